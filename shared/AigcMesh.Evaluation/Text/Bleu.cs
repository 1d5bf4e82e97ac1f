namespace AigcMesh.Evaluation.Text;

/// <summary>
/// BLEU (Papineni et al., 2002): geometric mean of clipped n-gram precisions (n = 1..4) times the brevity penalty.
/// Sentence scores use Chen and Cherry's (2014) smoothing 1 (ε = 0.1 for zero counts) so short texts score above 0.
/// </summary>
public static class Bleu
{
    public static double Sentence(IReadOnlyList<string> candidate, IReadOnlyList<IReadOnlyList<string>> references, int maxN = 4) =>
        Score([candidate], [references], maxN, smooth: true);

    /// <summary>Corpus BLEU: counts summed over all candidates before the precisions are taken.</summary>
    public static double Corpus(IReadOnlyList<IReadOnlyList<string>> candidates, IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references, int maxN = 4) =>
        Score(candidates, references, maxN, smooth: false);

    private static double Score(IReadOnlyList<IReadOnlyList<string>> candidates, IReadOnlyList<IReadOnlyList<IReadOnlyList<string>>> references, int maxN, bool smooth)
    {
        if (candidates.Count != references.Count) throw new ArgumentException("One reference set per candidate is needed.");
        var matches = new double[maxN];
        var totals = new double[maxN];
        long candidateLength = 0, referenceLength = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            if (references[i].Count == 0) throw new ArgumentException("Every candidate needs at least one reference.");
            candidateLength += candidate.Count;
            referenceLength += references[i].Select(r => r.Count).OrderBy(l => Math.Abs(l - candidate.Count)).ThenBy(l => l).First();
            for (var n = 1; n <= maxN; n++)
            {
                var counts = Count(candidate, n);
                var maxRef = new Dictionary<string, int>();
                foreach (var reference in references[i])
                    foreach (var (gram, c) in Count(reference, n))
                        maxRef[gram] = Math.Max(maxRef.GetValueOrDefault(gram), c);
                matches[n - 1] += counts.Sum(p => Math.Min(p.Value, maxRef.GetValueOrDefault(p.Key)));
                totals[n - 1] += counts.Values.Sum();
            }
        }
        if (candidateLength == 0) return 0;
        double logSum = 0;
        for (var n = 0; n < maxN; n++)
        {
            if (totals[n] == 0) return 0;
            var m = matches[n] == 0 ? (smooth ? 0.1 : 0) : matches[n];
            if (m == 0) return 0;
            logSum += Math.Log(m / totals[n]);
        }
        var brevity = candidateLength >= referenceLength ? 1 : Math.Exp(1 - referenceLength / (double)candidateLength);
        return brevity * Math.Exp(logSum / maxN);
    }

    private static Dictionary<string, int> Count(IReadOnlyList<string> words, int n) =>
        Words.NGrams(words, n).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
}
