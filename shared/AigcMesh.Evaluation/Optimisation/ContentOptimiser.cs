using AigcMesh.Datasets;
using AigcMesh.Evaluation.Features;
using AigcMesh.Evaluation.Text;
using AigcMesh.Models.Inference;

namespace AigcMesh.Evaluation.Optimisation;

public sealed record ImageOptimisationOptions(int Candidates = 16, int Keep = 4, long Seed = 0, string Objective = ImageScorer.Realism, int? ClassLabel = null, bool ContrastNormalise = true, int ReferenceImages = 512);

public sealed record TextOptimisationOptions(
    string Prompt,
    int Candidates = 8,
    int Keep = 2,
    long Seed = 0,
    int MaxNewTokens = 48,
    double Temperature = 1.0,
    string Objective = ContentOptimiser.Likelihood,
    TextFilterOptions? Filters = null);

/// <summary>
/// The content optimisation step after generation: best-of-n with the evaluator's scores, image post-processing
/// (contrast normalisation, applied to the chosen images after scoring, and reported) and text filters.
/// Runs on the calling thread (call it from a dedicated thread).
/// </summary>
public static class ContentOptimiser
{
    /// <summary>Text objective: the model's mean log-likelihood per token of the continuation (higher is better).</summary>
    public const string Likelihood = "likelihood";

    /// <summary>Text objective: distinct-2 of the continuation (less repetitive is better).</summary>
    public const string Distinct = "distinct";

    public static IReadOnlyList<string> TextObjectives { get; } = [Likelihood, Distinct];

    public static (BestOfNResult<ImageBatch> Result, ContrastReport? Contrast) OptimiseImages(IImageModel model, IImageDataset data, FeatureNetwork network, ImageOptimisationOptions options)
    {
        if (options.Candidates < 1 || options.Keep < 1 || options.Keep > options.Candidates) throw new ArgumentException("Need 1 <= keep <= candidates.");
        if (options.ClassLabel is { } label && (model.ClassCount == 0 || label < 0 || label >= model.ClassCount))
            throw new ArgumentException($"The model takes class labels in [0, {model.ClassCount}); got {label}.");
        var split = FeatureNetwork.TestSplitOf(data);
        var (reference, _) = FeatureNetwork.ReadImages(data, split, Enumerable.Range(0, Math.Min(options.ReferenceImages, data.Count(split))).ToArray());
        using var scorer = new ImageScorer(network, reference);
        var seeds = Enumerable.Range(0, options.Candidates).Select(i => options.Seed + i).ToList();
        var labels = options.ClassLabel is { } l ? Enumerable.Repeat(l, seeds.Count).ToList() : null;
        var images = model.Generate(seeds, labels);
        var scores = scorer.Score(images, options.Objective, options.ClassLabel);
        var candidates = seeds.Select((seed, i) => new ScoredCandidate<ImageBatch>(i, seed, images.Slice(i), scores[i])).ToList();
        var result = BestOfN.Select(options.Objective, candidates, options.Keep);
        if (!options.ContrastNormalise) return (result, null);
        var contrast = new List<ContrastReport>();
        var best = result.Best.Select(c =>
        {
            var (normalised, report) = ContrastNormalisation.Apply(c.Content);
            contrast.Add(report);
            return c with { Content = normalised };
        }).ToList();
        var summary = new ContrastReport(contrast.Count, contrast.Average(c => c.MeanStdBefore), contrast.Average(c => c.MeanStdAfter));
        return (result with { Best = best }, summary);
    }

    public static BestOfNResult<string> OptimiseText(ITextModel model, ITextTokenizer tokenizer, TextOptimisationOptions options)
    {
        if (options.Candidates < 1 || options.Keep < 1 || options.Keep > options.Candidates) throw new ArgumentException("Need 1 <= keep <= candidates.");
        if (options.Objective is not (Likelihood or Distinct)) throw new ArgumentException($"Unknown text objective '{options.Objective}' (known: {string.Join(", ", TextObjectives)}).");
        var prompt = tokenizer.Encode(options.Prompt);
        if (prompt.Length == 0) throw new ArgumentException("The prompt encodes to no tokens.");
        var generated = Enumerable.Range(0, options.Candidates).Select(i =>
        {
            var seed = options.Seed + i;
            var ids = model.Sample(prompt, options.MaxNewTokens, options.Temperature, seed: seed).ToArray();
            return (Seed: seed, Ids: ids, Text: tokenizer.Decode(ids));
        }).ToList();
        var verdicts = TextFilters.Apply(generated.Select(g => g.Text).ToList(), options.Filters ?? new TextFilterOptions());
        var candidates = generated.Select((g, i) =>
        {
            var score = options.Objective == Likelihood
                ? -ContinuationNats(model, prompt, g.Ids)
                : TextDiversity.Distinct([Words.Of(g.Text)], 2);
            return new ScoredCandidate<string>(i, g.Seed, g.Text, score, verdicts[i]);
        }).ToList();
        return BestOfN.Select(options.Objective, candidates, options.Keep);
    }

    /// <summary>Mean nats per continuation token given the prompt (from next-token logits).</summary>
    private static double ContinuationNats(ITextModel model, int[] prompt, int[] continuation)
    {
        if (continuation.Length == 0) return double.PositiveInfinity;
        var sequence = prompt.Concat(continuation).ToArray();
        var prefixes = Enumerable.Range(prompt.Length, continuation.Length).Select(n => (IReadOnlyList<int>)sequence[..n]).ToList();
        var logits = model.NextTokenLogits(prefixes);
        double nats = 0;
        for (var i = 0; i < continuation.Length; i++)
        {
            var row = logits[i];
            var max = row.Max();
            var logSum = max + Math.Log(row.Sum(v => Math.Exp(v - max)));
            nats += logSum - row[continuation[i]];
        }
        return nats / continuation.Length;
    }
}
