"""Results and definitions BEYOND the paper (arXiv 2602.19017): activations the paper does
not treat, gadgets it does not give.  Nothing here is a result of the paper; conjectures are
labelled as such."""
