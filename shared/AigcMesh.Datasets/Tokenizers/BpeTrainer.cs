namespace AigcMesh.Datasets.Tokenizers;

/// <summary>
/// Learns byte-pair-encoding merges from a corpus (written here because Microsoft.ML.Tokenizers 2.0.1 can load
/// BPE vocabularies but has no trainer). Counts each distinct word once with its frequency, then repeatedly merges
/// the most frequent adjacent pair (ties broken by the smaller ids, so training is deterministic) until the
/// vocabulary reaches the requested size or no pair occurs twice.
/// </summary>
public static class BpeTrainer
{
    /// <param name="alphabet">The characters the tokenizer knows (usually every character of the whole corpus).</param>
    /// <param name="trainingText">The text the merges are learned from (the training split).</param>
    /// <param name="vocabularySize">Total ids wanted: 1 unknown + the alphabet + merges.</param>
    public static BpeTokenizer Train(string alphabet, string trainingText, int vocabularySize)
    {
        var characters = new CharTokenizer(alphabet);
        var mergeBudget = Math.Max(0, vocabularySize - 1 - alphabet.Length);
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var word in BpeTokenizer.Words(trainingText))
        {
            frequencies[word] = frequencies.GetValueOrDefault(word) + 1;
        }
        var words = frequencies
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (Ids: p.Key.Select(characters.IdOf).ToList(), Count: p.Value))
            .ToList();

        var merges = new List<(int Left, int Right)>(mergeBudget);
        var pairCounts = new Dictionary<(int, int), long>();
        while (merges.Count < mergeBudget)
        {
            pairCounts.Clear();
            foreach (var (ids, count) in words)
            {
                for (var i = 0; i + 1 < ids.Count; i++)
                {
                    var pair = (ids[i], ids[i + 1]);
                    pairCounts[pair] = pairCounts.GetValueOrDefault(pair) + count;
                }
            }
            var best = (Left: 0, Right: 0);
            long bestCount = 1;
            foreach (var (pair, count) in pairCounts)
            {
                if (pair.Item1 == 0 || pair.Item2 == 0) continue;
                if (count > bestCount || (count == bestCount && bestCount > 1 && pair.CompareTo(best) < 0))
                {
                    best = pair;
                    bestCount = count;
                }
            }
            if (bestCount < 2) break;
            var newId = 1 + alphabet.Length + merges.Count;
            merges.Add(best);
            foreach (var (ids, _) in words)
            {
                for (var i = 0; i + 1 < ids.Count; i++)
                {
                    if (ids[i] == best.Left && ids[i + 1] == best.Right)
                    {
                        ids[i] = newId;
                        ids.RemoveAt(i + 1);
                    }
                }
            }
        }
        return new BpeTokenizer(alphabet, merges);
    }
}
