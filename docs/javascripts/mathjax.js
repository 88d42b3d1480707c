// MathJax 3 configuration for pymdownx.arithmatex (generic mode): only the spans and
// blocks that arithmatex marked with class "arithmatex" are typeset, and the Markdown
// cells of notebooks rendered by mkdocs-jupyter.  The MathJax bundle
// itself is copied into the site from the installed Python package by
// scripts/mkdocs_hooks.py, so the pages render offline and from file://.
window.MathJax = {
  tex: {
    // \( \) and \[ \] from arithmatex; $ and $$ in the notebooks' Markdown cells
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true
  },
  options: {
    // everything inside the page container is ignored except the process classes; a
    // pattern matching no class at all (".*|") would also ignore the <p> inside a notebook
    // cell, so the container's own class is named instead
    ignoreHtmlClass: "md-container",
    processHtmlClass: "arithmatex|jp-MarkdownOutput"
  },
  svg: { fontCache: "global" }
};
