// MathJax 3 configuration for pymdownx.arithmatex (generic mode): only the spans and
// blocks that arithmatex marked with class "arithmatex" are typeset.  The MathJax bundle
// itself is copied into the site from the installed Python package by
// scripts/mkdocs_hooks.py, so the pages render offline and from file://.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex"
  },
  svg: { fontCache: "global" }
};
