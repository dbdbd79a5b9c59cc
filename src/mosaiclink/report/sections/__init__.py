"""One module per report section; each turns a capability's results into a Section."""
