from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class HospitalAwareBackend(ModelBackend):
    """Refuses inactive users and every user of an inactive hospital.

    `get_user` runs on every request of a logged-in session, so a user or hospital
    that is inactive is refused at once. Deactivation and a password change also end
    the sessions for good, through the session auth hash (`User.session_generation`).
    """

    def user_can_authenticate(self, user) -> bool:
        if not super().user_can_authenticate(user):
            return False
        hospital = user.hospital
        return hospital is None or hospital.is_active

    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("hospital").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
