"""Figures (Matplotlib for papers, Plotly for the HTML) and the self-contained HTML report."""
