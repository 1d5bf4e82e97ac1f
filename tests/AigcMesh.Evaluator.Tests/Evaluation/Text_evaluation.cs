using AigcMesh.Datasets;
using AigcMesh.Evaluation;

namespace AigcMesh.Evaluator.Tests.Evaluation;

[Collection(EvaluationDataCollection.Name)]
public sealed class Text_evaluation(EvaluationData fixture)
{
    private static readonly TextEvaluationOptions Small = new(MaxHeldOutTokens: 600, SampleCount: 4, SampleTokens: 16);

    [Theory]
    [InlineData("char")]
    [InlineData("bpe")]
    public void A_uniform_model_scores_log2_of_the_vocabulary_in_bits_per_token(string tokenizer)
    {
        using var data = DatasetReader.OpenText(fixture.Store, fixture.TextDatasetId, tokenizer);
        using var model = new UniformTextModel(data.Tokenizer.VocabularySize);

        var report = TextEvaluator.Evaluate(model, data, Small);

        Assert.Equal(Math.Log2(data.Tokenizer.VocabularySize), report.Metrics["bits_per_token"], 9);
        Assert.Equal(data.Tokenizer.VocabularySize, report.Metrics["perplexity"], 6);
        Assert.Equal(599, report.Metrics["scored_tokens"]);
    }

    [Fact]
    public void Reports_compressor_baselines_diversity_and_reference_scores()
    {
        using var data = DatasetReader.OpenText(fixture.Store, fixture.TextDatasetId, "char");
        using var model = new UniformTextModel(data.Tokenizer.VocabularySize);
        var reference = data.ReadText(DatasetSplit.Validation)[..200];

        var report = TextEvaluator.Evaluate(model, data, Small with { References = [reference] });

        foreach (var compressor in new[] { "gzip", "xz", "zstd" })
        {
            var bpc = report.Baselines[$"{compressor}_bits_per_char"];
            // Compressors beat the uniform char model (log2 V bits per char) on English text.
            Assert.True(bpc > 0.5 && bpc < report.Metrics["bits_per_char"], $"{compressor}: {bpc} vs uniform {report.Metrics["bits_per_char"]}");
        }
        Assert.True(report.Metrics.ContainsKey("bleu") && report.Metrics.ContainsKey("rouge_l"));
        Assert.InRange(report.Metrics["distinct_1"], 0, 1);
        Assert.InRange(report.Baselines["self_bleu"], 0, 1);
    }
}
