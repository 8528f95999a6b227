"""The intake service: the procedure catalogue and the dossier lifecycle at the one-stop desk."""
