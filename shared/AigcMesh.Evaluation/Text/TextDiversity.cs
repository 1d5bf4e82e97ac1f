namespace AigcMesh.Evaluation.Text;

/// <summary>Diversity and degeneration scores of a set of generated texts (word tokens, see <see cref="Words"/>).</summary>
public static class TextDiversity
{
    /// <summary>Distinct-n (Li et al., 2016): distinct n-grams over all n-grams of all samples (0 when there are none).</summary>
    public static double Distinct(IReadOnlyList<IReadOnlyList<string>> samples, int n)
    {
        var grams = samples.SelectMany(s => Words.NGrams(s, n)).ToList();
        return grams.Count == 0 ? 0 : grams.Distinct().Count() / (double)grams.Count;
    }

    /// <summary>Self-BLEU (Zhu et al., 2018): mean sentence BLEU-4 of each sample against all the others (higher = less diverse).</summary>
    public static double SelfBleu(IReadOnlyList<IReadOnlyList<string>> samples)
    {
        if (samples.Count < 2) return 0;
        return samples.Select((s, i) => Bleu.Sentence(s, samples.Where((_, j) => j != i).ToList())).Average();
    }

    /// <summary>
    /// Repetition rate of one text (seq-rep-n, Welleck et al., 2019): 1 - distinct n-grams / n-grams within the text;
    /// 0 when nothing repeats (or the text is shorter than n).
    /// </summary>
    public static double RepetitionRate(IReadOnlyList<string> sample, int n = 4)
    {
        var grams = Words.NGrams(sample, n).ToList();
        return grams.Count == 0 ? 0 : 1 - grams.Distinct().Count() / (double)grams.Count;
    }

    public static double MeanRepetitionRate(IReadOnlyList<IReadOnlyList<string>> samples, int n = 4) =>
        samples.Count == 0 ? 0 : samples.Average(s => RepetitionRate(s, n));
}
