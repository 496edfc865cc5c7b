from django.apps import AppConfig


class FormularyConfig(AppConfig):
    name = "apps.formulary"

    def ready(self) -> None:
        # Every new hospital starts with the NLEM 2022 generics: hospitals sends the signal inside its
        # create transaction, so the hospital and its formulary are committed together (or neither).
        from apps.formulary.services import load_nlem_formulary  # imported when the apps are ready
        from apps.hospitals.signals import hospital_created

        def _load(sender, hospital, **kwargs):
            load_nlem_formulary(hospital=hospital)

        hospital_created.connect(_load, dispatch_uid="formulary.load_nlem", weak=False)
