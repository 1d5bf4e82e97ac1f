namespace AigcMesh.Evaluation.Text;

/// <summary>ROUGE-L (Lin, 2004): F1 of the longest common subsequence's precision and recall; the best over references.</summary>
public static class RougeL
{
    public static double Score(IReadOnlyList<string> candidate, IReadOnlyList<IReadOnlyList<string>> references) =>
        references.Count == 0 ? throw new ArgumentException("At least one reference is needed.") : references.Max(r => F1(candidate, r));

    public static double F1(IReadOnlyList<string> candidate, IReadOnlyList<string> reference)
    {
        if (candidate.Count == 0 || reference.Count == 0) return 0;
        var lcs = LongestCommonSubsequence(candidate, reference);
        if (lcs == 0) return 0;
        var precision = lcs / (double)candidate.Count;
        var recall = lcs / (double)reference.Count;
        return 2 * precision * recall / (precision + recall);
    }

    public static int LongestCommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }
}
