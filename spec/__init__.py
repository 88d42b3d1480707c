"""whyrelu's executable specification of "Why ReLU? A Bit-Model Dichotomy for Deep Network
Training": the paper's results, in the paper's order.

Each module states its results as claims (:mod:`spec.claims`); a claim's id is
``namespace.function`` and its reference names the numbered result.  Where a module moved,
``CLAIM_NAMESPACE`` keeps the old namespace, so ids read ``engine.*``, ``slp_network.*``,
``gradient.*``, ``np_membership.*``.

Table of contents (open the module for the result):

======================================  =====================================================
Result                                  Module
======================================  =====================================================
§2 bit model, node rule, backprop;      :mod:`spec.definitions` (ids ``engine.*``)
Definition 2.2 (SLP), Problem 2.3
Lemma 3.1, Claim B.4                    :mod:`spec.gadget`
Lemma 3.2: the network of Figure 3      :mod:`spec.lemma32.network` (ids ``slp_network.*``)
Lemma 3.2: the instance I(P, j), loss   :mod:`spec.lemma32.instance`
Claim B.1 (and its B.1(2) erratum)      :mod:`spec.lemma32.forcing`
Remarks B.2, B.3                        :mod:`spec.remarks_b`
Theorem 1.1 (gap, bounded values)       :mod:`spec.theorem11`
Theorem 2.4 pipeline (#SubsetSum →      :mod:`spec.subset_sum`
BitSLP → ERM_bit)
Definitions 4.1–4.2, App. C             :mod:`spec.theorem13.backprop` (ids ``gradient.*``)
Theorem 1.3 (the reductions)            :mod:`spec.theorem13.reductions`
Definition A.3, Lemmas A.4–A.5          :mod:`spec.bnslp`
Theorem E.1 (and Theorem 1.4's          :mod:`spec.piecewise`
backprop bound)
Theorem E.2, Theorem 1.4 (NP side)      :mod:`spec.theorem_e2.verifier` (ids
                                        ``np_membership.*``)
Theorem 1.4 (exact gradient steps)      :mod:`spec.theorem_e2.gradient_steps`
Remark 1.5                              :mod:`spec.bit_bounded`
App. D: Theorems D.1 (= 1.6), D.4       :mod:`spec.pac`
App. F: Theorem F.1, Lemma F.2          :mod:`spec.fractional`
Figure 1                                :mod:`spec.figure1`
Table 1                                 :mod:`spec.harness.table1` (each cell names claims)
Beyond the paper                        :mod:`spec.beyond` (never the paper's results)
======================================  =====================================================

Besides the paper, the top level holds only the claim language (:mod:`spec.claims`, with
the planted bugs of negative controls in :mod:`spec.planted`) and the activations under
test (:mod:`spec.activations`).  The machinery lives apart: :mod:`spec.harness` (runner,
Hypothesis profiles, report, catalogue, pytest plugin, Table 1) and :mod:`spec.cli` (the
``whyrelu`` command).  Layering, one way: ``checkers ← strategies ← spec (paper ← harness
← cli) ← tests`` (``docs/design.md``; ``tests/test_layering.py`` enforces it).
"""
