using AigcMesh.Models.Inference;

namespace AigcMesh.Evaluator.Tests.Evaluation;

/// <summary>
/// A unigram language model: every position gets the same next-token distribution, from add-one smoothed token
/// counts of the text it was trained on. Untrained (no counts) it is the uniform model, whose cross-entropy is
/// ln V nats (log2 V bits) per token by definition. Samples are seeded.
/// </summary>
internal sealed class UnigramTextModel(int vocabularySize, ReadOnlySpan<int> trainingTokens = default) : ITextModel
{
    private readonly float[] logProbabilities = LogProbabilities(vocabularySize, trainingTokens);

    public string Family => "unigram";
    public int VocabularySize => vocabularySize;
    public int? ContextLength => 64;
    public long ParameterCount => 0;

    public float[][] NextTokenLogits(IReadOnlyList<IReadOnlyList<int>> sequences) =>
        sequences.Select(_ => (float[])logProbabilities.Clone()).ToArray();

    public IEnumerable<int> Sample(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1, int topK = 0, double topP = 1, long seed = 0)
    {
        var random = new Random((int)seed);
        for (var i = 0; i < maxNewTokens; i++)
        {
            var u = random.NextDouble();
            var token = 0;
            for (var cumulative = Math.Exp(logProbabilities[0]); cumulative < u && token < vocabularySize - 1; cumulative += Math.Exp(logProbabilities[token])) token++;
            yield return token;
        }
    }

    public TextLoss CrossEntropy(IReadOnlyList<int> tokens)
    {
        // Mean of -log softmax(logits)[next token] over the predicted tokens, computed from the logits.
        var logits = NextTokenLogits(Enumerable.Range(1, tokens.Count - 1).Select(n => (IReadOnlyList<int>)tokens.Take(n).ToList()).ToList());
        var nats = logits.Select((row, i) => Math.Log(row.Sum(v => Math.Exp(v))) - row[tokens[i + 1]]).Average();
        return new TextLoss(nats, tokens.Count - 1);
    }

    private static float[] LogProbabilities(int vocabularySize, ReadOnlySpan<int> tokens)
    {
        var counts = new double[vocabularySize];
        Array.Fill(counts, 1.0);
        foreach (var t in tokens) counts[t]++;
        var total = counts.Sum();
        return counts.Select(c => (float)Math.Log(c / total)).ToArray();
    }

    public void Dispose()
    {
    }
}
