using AigcMesh.Datasets;
using AigcMesh.Evaluation.Optimisation;
using AigcMesh.Evaluator.Tests.Evaluation;
using AigcMesh.Models.Inference;

namespace AigcMesh.Evaluator.Tests.Optimisation;

[Collection(EvaluationDataCollection.Name)]
public sealed class Content_optimisation(EvaluationData fixture)
{
    [Theory]
    [InlineData(ImageScorer.Realism)]
    [InlineData(ImageScorer.Confidence)]
    public void Best_of_n_images_improve_the_score_it_optimises(string objective)
    {
        using var features = fixture.FeatureNetwork();
        using var data = fixture.OpenImages();
        var (model, _, _) = fixture.Dcgan(steps: 0);
        using (model)
        {
            var (result, contrast) = ContentOptimiser.OptimiseImages(model, data, features, new ImageOptimisationOptions(Candidates: 24, Keep: 4, Seed: 5, Objective: objective));

            Assert.Equal(4, result.Best.Count);
            Assert.True(result.MeanScoreBest > result.MeanScoreAll, $"{objective}: best {result.MeanScoreBest} vs all {result.MeanScoreAll}");
            var scores = result.Best.Select(b => b.Score).ToList();
            Assert.Equal(scores.OrderDescending(), scores);
            Assert.Equal(result.Candidates.Select(c => c.Score).OrderDescending().Take(4), scores);
            Assert.NotNull(contrast);
            Assert.Equal(4, contrast.Images);
        }
    }

    [Fact]
    public void Contrast_normalisation_stretches_a_dim_image_to_the_full_range()
    {
        var dim = new ImageBatch(1, 1, 2, 2, [-0.2f, 0f, 0.1f, 0.2f]);

        var (stretched, report) = ContrastNormalisation.Apply(dim);

        Assert.Equal(-1f, stretched.Pixels.Min(), 5);
        Assert.Equal(1f, stretched.Pixels.Max(), 5);
        Assert.True(report.MeanStdAfter > report.MeanStdBefore);
    }

    [Fact]
    public void Text_filters_reject_repetition_blocked_words_and_near_duplicates_and_name_the_filter()
    {
        string[] texts =
        [
            "the ship sailed north past the quiet harbour lights",
            "go go go go go go go go go go go go",
            "a storm with thunder rolled over the bay",
            "the ship sailed north past the quiet harbour lights tonight",
            "bright morning fields of wheat",
        ];

        var verdicts = TextFilters.Apply(texts, new TextFilterOptions(Blocklist: ["Thunder"]));

        Assert.Equal([null, TextFilters.Repetition, TextFilters.Blocklist, TextFilters.NearDuplicate, null], verdicts);
    }

    [Fact]
    public void Best_of_n_text_improves_the_score_it_optimises_and_reports_filtered_candidates()
    {
        using var data = DatasetReader.OpenText(fixture.Store, fixture.TextDatasetId, "char");
        var training = new int[(int)data.TokenCount(DatasetSplit.Train)];
        data.Read(DatasetSplit.Train, 0, training);
        using var model = new UnigramTextModel(data.Tokenizer.VocabularySize, training);

        var result = ContentOptimiser.OptimiseText(model, data.Tokenizer, new TextOptimisationOptions("The ", Candidates: 12, Keep: 3, MaxNewTokens: 40));

        Assert.Equal(12, result.Candidates.Count);
        Assert.True(result.MeanScoreBest > result.MeanScoreAll, $"best {result.MeanScoreBest} vs all {result.MeanScoreAll}");
        Assert.All(result.Best, b => Assert.Null(b.RejectedBy));
    }
}
