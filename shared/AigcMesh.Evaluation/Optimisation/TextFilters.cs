using AigcMesh.Evaluation.Text;

namespace AigcMesh.Evaluation.Optimisation;

public sealed record TextFilterOptions(double MaxRepetitionRate = 0.5, IReadOnlyList<string>? Blocklist = null, double NearDuplicateJaccard = 0.8);

/// <summary>
/// Text filters applied before best-of-n selection, each named in the result: "repetition" (seq-rep-4 above the
/// limit), "blocklist" (contains a blocked word, whole-word and case-insensitive) and "near-duplicate" (Jaccard
/// similarity of word 3-gram sets at or above the threshold with an earlier kept text).
/// </summary>
public static class TextFilters
{
    public const string Repetition = "repetition";
    public const string Blocklist = "blocklist";
    public const string NearDuplicate = "near-duplicate";

    /// <summary>The filter that rejects each text (null when it is kept), in order.</summary>
    public static IReadOnlyList<string?> Apply(IReadOnlyList<string> texts, TextFilterOptions options)
    {
        var blocked = new HashSet<string>((options.Blocklist ?? []).SelectMany(Words.Of), StringComparer.Ordinal);
        var kept = new List<HashSet<string>>();
        var verdicts = new List<string?>();
        foreach (var text in texts)
        {
            var words = Words.Of(text);
            if (TextDiversity.RepetitionRate(words) > options.MaxRepetitionRate) { verdicts.Add(Repetition); continue; }
            if (words.Any(blocked.Contains)) { verdicts.Add(Blocklist); continue; }
            var shingles = Words.NGrams(words, 3).ToHashSet();
            if (shingles.Count > 0 && kept.Any(k => Jaccard(k, shingles) >= options.NearDuplicateJaccard)) { verdicts.Add(NearDuplicate); continue; }
            kept.Add(shingles);
            verdicts.Add(null);
        }
        return verdicts;
    }

    public static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 && b.Count == 0) return 1;
        var intersection = a.Count(b.Contains);
        return intersection / (double)(a.Count + b.Count - intersection);
    }
}
