"""SprintLens pictures: annotated clips, plots, kinograms, HTML reports and rep comparisons."""
