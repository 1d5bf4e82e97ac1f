using AigcMesh.Models.Inference;

namespace AigcMesh.Evaluator.Tests.Evaluation;

/// <summary>
/// The baseline language model that gives every token the same probability 1/V; its cross-entropy is ln V nats
/// (log2 V bits) per token by definition. It samples uniformly, seeded.
/// </summary>
internal sealed class UniformTextModel(int vocabularySize) : ITextModel
{
    public string Family => "uniform";
    public int VocabularySize => vocabularySize;
    public int? ContextLength => 64;
    public long ParameterCount => 0;

    public float[][] NextTokenLogits(IReadOnlyList<IReadOnlyList<int>> sequences) =>
        sequences.Select(_ => new float[vocabularySize]).ToArray();

    public IEnumerable<int> Sample(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1, int topK = 0, double topP = 1, long seed = 0)
    {
        var random = new Random((int)seed);
        for (var i = 0; i < maxNewTokens; i++) yield return random.Next(vocabularySize);
    }

    public TextLoss CrossEntropy(IReadOnlyList<int> tokens)
    {
        // Mean of -log softmax(logits)[next token] over the predicted tokens, computed from the logits.
        var logits = NextTokenLogits(Enumerable.Range(1, tokens.Count - 1).Select(n => (IReadOnlyList<int>)tokens.Take(n).ToList()).ToList());
        var nats = logits.Select((row, i) => Math.Log(row.Sum(v => Math.Exp(v))) - row[tokens[i + 1]]).Average();
        return new TextLoss(nats, tokens.Count - 1);
    }

    public void Dispose()
    {
    }
}
