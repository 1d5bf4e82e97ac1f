namespace AigcMesh.Evaluation.Optimisation;

/// <summary>One scored candidate; <see cref="RejectedBy"/> names the filter that removed it (null when kept).</summary>
public sealed record ScoredCandidate<T>(int Index, long Seed, T Content, double Score, string? RejectedBy = null);

/// <summary>The best k of n candidates, with the score statistics that show what selection gained.</summary>
public sealed record BestOfNResult<T>(
    string Objective,
    IReadOnlyList<ScoredCandidate<T>> Best,
    IReadOnlyList<ScoredCandidate<T>> Candidates,
    double MeanScoreAll,
    double MeanScoreBest,
    IReadOnlyDictionary<string, int> Rejected);

/// <summary>Best-of-n selection: keep the candidates no filter rejected, sort by score (descending, then index), take k.</summary>
public static class BestOfN
{
    public static BestOfNResult<T> Select<T>(string objective, IReadOnlyList<ScoredCandidate<T>> candidates, int k)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), "k must be at least 1.");
        var best = candidates.Where(c => c.RejectedBy is null).OrderByDescending(c => c.Score).ThenBy(c => c.Index).Take(k).ToList();
        var rejected = candidates.Where(c => c.RejectedBy is not null).GroupBy(c => c.RejectedBy!).ToDictionary(g => g.Key, g => g.Count());
        return new BestOfNResult<T>(
            objective,
            best,
            candidates,
            candidates.Count == 0 ? 0 : candidates.Average(c => c.Score),
            best.Count == 0 ? 0 : best.Average(c => c.Score),
            rejected);
    }
}
