"""The web console for coordinators and partner staff (`razem web`)."""
