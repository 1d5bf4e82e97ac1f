using AigcMesh.Datasets;
using AigcMesh.Models.Inference;

namespace AigcMesh.Evaluation.Text;

/// <summary>A language model's score on held-out text.</summary>
public sealed record LanguageModelResult(double NatsPerToken, double BitsPerToken, double BitsPerCharacter, double Perplexity, long Tokens, long Characters);

/// <summary>
/// Cross-entropy of a language model on held-out tokens, in nats per token, bits per token, bits per character
/// (total bits over the characters the scored tokens decode to, UTF-16 code units) and perplexity (exp of nats per
/// token). The tokens are scored in consecutive windows of the model's context length (512 for unbounded models);
/// the first token of each window is context only.
/// </summary>
public static class LanguageModelScore
{
    public static LanguageModelResult Evaluate(ITextModel model, ITextTokenizer tokenizer, ReadOnlySpan<int> tokens, int? window = null)
    {
        var size = Math.Max(2, window ?? model.ContextLength ?? 512);
        double nats = 0;
        long predicted = 0, characters = 0;
        for (var start = 0; start + 1 < tokens.Length; start += size - 1)
        {
            var chunk = tokens.Slice(start, Math.Min(size, tokens.Length - start));
            if (chunk.Length < 2) break;
            var loss = model.CrossEntropy(chunk.ToArray());
            nats += loss.NatsPerToken * loss.PredictedTokens;
            predicted += loss.PredictedTokens;
            characters += tokenizer.Decode(chunk[1..]).Length;
        }
        if (predicted == 0) throw new ArgumentException("The held-out text has fewer than 2 tokens.", nameof(tokens));
        var perToken = nats / predicted;
        return new LanguageModelResult(perToken, perToken / Math.Log(2), nats / Math.Log(2) / Math.Max(1, characters), Math.Exp(perToken), predicted, characters);
    }
}
