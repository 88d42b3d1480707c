"""Results and definitions BEYOND the paper (arXiv 2602.19017; PAPER.md §16): activations the
paper does not treat, gadgets it does not give.  Nothing here is a result of the paper;
conjectures are labelled as such.

Results are registered with status ``beyond`` (definitions of the engine's semantics with
status ``definition``) and a reference "Beyond the paper: ...", so that they are never
presented as the paper's theorems.  In particular the local multiplication gadget and the
reciprocal squaring give the *simulation* half of Lemma 3.2 only: the forcing argument
(Claim B.1) is proved for polynomial activations only, so hardness transfer is NOT proved for
piecewise-polynomial or rational activations.
"""
