"""Streamlit entry for a checkout: ``streamlit run app.py`` (installed, ``govnet app``)."""

from govnet.app.main import main

main()
