"""Results BEYOND the paper (PAPER.md §16): classifying activations the paper does not treat.

Everything here is standard mathematics checked exactly, registered with status ``beyond``
and a reference "Beyond the paper: ..." so that it is never presented as one of the paper's
theorems.  In particular the local multiplication gadget and the reciprocal squaring give
the *simulation* half of Lemma 3.2 only: the forcing argument (Claim B.1) is proved for
polynomial activations only, so hardness transfer is NOT proved for piecewise-polynomial or
rational activations.
"""
