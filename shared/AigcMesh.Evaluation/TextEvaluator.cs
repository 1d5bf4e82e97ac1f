using System.Globalization;
using AigcMesh.Datasets;
using AigcMesh.Evaluation.Text;
using AigcMesh.Models.Inference;

namespace AigcMesh.Evaluation;

public sealed record TextEvaluationOptions(
    int MaxHeldOutTokens = 16_384,
    int SampleCount = 16,
    int SampleTokens = 48,
    int PromptTokens = 4,
    double Temperature = 1.0,
    int Seed = 0,
    IReadOnlyList<string>? References = null,
    string? Prompt = null);

/// <summary>
/// Evaluates a language model on its data set: cross-entropy on held-out text (validation split, else test) in
/// nats/token, bits/token, bits/char and perplexity, beside gzip/xz/zstd bits per char of the same text given the
/// training text; distinct-1/2, self-BLEU and repetition of sampled texts beside the same scores of real held-out
/// passages of the same length; BLEU and ROUGE-L against references when given.
/// </summary>
public static class TextEvaluator
{
    public static EvaluationReport Evaluate(ITextModel model, ITextDataset data, TextEvaluationOptions options, CancellationToken cancellationToken = default)
    {
        if (model.VocabularySize != data.Tokenizer.VocabularySize)
            throw new ArgumentException($"The model has {model.VocabularySize} tokens; the data set's {data.Tokenizer.Kind} tokenizer has {data.Tokenizer.VocabularySize}.");
        var split = data.TokenCount(DatasetSplit.Validation) >= 2 ? DatasetSplit.Validation : DatasetSplit.Test;
        var available = data.TokenCount(split);
        if (available < 2) throw new ArgumentException("The data set has no held-out text to score.");
        var tokens = new int[(int)Math.Min(options.MaxHeldOutTokens, available)];
        data.Read(split, 0, tokens);

        var score = LanguageModelScore.Evaluate(model, data.Tokenizer, tokens);
        cancellationToken.ThrowIfCancellationRequested();
        var metrics = new Dictionary<string, double>
        {
            ["nats_per_token"] = score.NatsPerToken,
            ["bits_per_token"] = score.BitsPerToken,
            ["bits_per_char"] = score.BitsPerCharacter,
            ["perplexity"] = score.Perplexity,
            ["scored_tokens"] = score.Tokens,
        };
        var baselines = new Dictionary<string, double> { ["uniform_bits_per_token"] = Math.Log2(model.VocabularySize) };
        var heldOutText = data.Tokenizer.Decode(tokens);
        foreach (var c in CompressorBaselines.Measure(data.ReadText(DatasetSplit.Train), heldOutText))
            baselines[$"{c.Compressor}_bits_per_char"] = c.BitsPerCharacter;

        var prompts = Prompts(data, split, tokens, options);
        var samples = prompts.Select((prompt, i) =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ids = model.Sample(prompt, options.SampleTokens, options.Temperature, seed: options.Seed * 7919L + i).ToArray();
            return data.Tokenizer.Decode(ids);
        }).ToList();
        var sampleWords = samples.Select(s => (IReadOnlyList<string>)Words.Of(s)).ToList();
        AddDiversity(metrics, sampleWords);
        var realPassages = Enumerable.Range(0, options.SampleCount)
            .Select(i => (long)i * Math.Max(1, tokens.Length - options.SampleTokens) / Math.Max(1, options.SampleCount))
            .Select(start => data.Tokenizer.Decode(tokens.AsSpan((int)start, (int)Math.Min(options.SampleTokens, tokens.Length - start))))
            .Select(t => (IReadOnlyList<string>)Words.Of(t)).ToList();
        AddDiversity(baselines, realPassages);

        if (options.References is { Count: > 0 } references)
        {
            var referenceWords = references.Select(r => (IReadOnlyList<string>)Words.Of(r)).ToList();
            metrics["bleu"] = Bleu.Corpus(sampleWords, sampleWords.Select(_ => (IReadOnlyList<IReadOnlyList<string>>)referenceWords).ToList());
            metrics["rouge_l"] = sampleWords.Average(s => RougeL.Score(s, referenceWords));
        }

        var notes = new Dictionary<string, string>
        {
            ["kind"] = "text",
            ["held_out_split"] = split.ToString().ToLowerInvariant(),
            ["tokenizer"] = data.Tokenizer.Kind,
            ["scored"] = $"{score.Tokens} tokens ({score.Characters} characters) of the {split.ToString().ToLowerInvariant()} split",
            ["compressors"] = CompressorNote,
            ["samples"] = $"{samples.Count} samples of {options.SampleTokens} tokens at temperature {options.Temperature.ToString(CultureInfo.InvariantCulture)}; baselines: real held-out passages of the same length",
            ["sample_0"] = samples.FirstOrDefault() ?? "",
        };
        return new EvaluationReport(metrics, baselines, notes);
    }

    private static string CompressorNote =>
        $"gzip (smallest), {(XzProcess.Version is { } xz ? $"xz -6 -T1 ({xz})" : "no xz (XZ Utils is not installed)")}, zstd (level 19): bits of compress(train + held-out) - compress(train) per held-out character";

    private static void AddDiversity(Dictionary<string, double> into, IReadOnlyList<IReadOnlyList<string>> texts)
    {
        into["distinct_1"] = TextDiversity.Distinct(texts, 1);
        into["distinct_2"] = TextDiversity.Distinct(texts, 2);
        into["self_bleu"] = TextDiversity.SelfBleu(texts);
        into["repetition_rate"] = TextDiversity.MeanRepetitionRate(texts);
    }

    private static List<int[]> Prompts(ITextDataset data, DatasetSplit split, int[] heldOut, TextEvaluationOptions options)
    {
        if (!string.IsNullOrEmpty(options.Prompt))
        {
            var encoded = data.Tokenizer.Encode(options.Prompt);
            if (encoded.Length > 0) return Enumerable.Repeat(encoded, options.SampleCount).ToList();
        }
        var length = Math.Max(1, Math.Min(options.PromptTokens, heldOut.Length));
        return Enumerable.Range(0, options.SampleCount)
            .Select(i => heldOut.AsSpan((int)((long)i * (heldOut.Length - length) / Math.Max(1, options.SampleCount)), length).ToArray())
            .ToList();
    }
}
