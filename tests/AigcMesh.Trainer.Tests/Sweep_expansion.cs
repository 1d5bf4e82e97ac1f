using System.Text.Json;
using AigcMesh.Trainer.Registry;
using AigcMesh.Trainer.Sweeps;

namespace AigcMesh.Trainer.Tests;

public sealed class Sweep_expansion
{
    private static Dictionary<string, JsonElement> Space(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    [Fact]
    public void A_grid_is_every_combination_of_the_values()
    {
        var (runs, errors) = SweepExpander.Expand("grid", Space("""{"learning_rate":[0.001,0.0002],"batch_size":[16,32,64]}"""),
            Space("""{"latent_size":32}"""), 0, 1);

        Assert.Empty(errors);
        Assert.Equal(6, runs.Count);
        Assert.Equal(6, runs.Select(r => $"{r["learning_rate"]}/{r["batch_size"]}").Distinct().Count());
        Assert.All(runs, r => Assert.Equal(32, r["latent_size"].GetInt32()));
    }

    [Fact]
    public void A_random_search_draws_seeded_values_inside_the_ranges()
    {
        var space = Space("""{"learning_rate":{"min":0.0001,"max":0.01,"log":true},"batch_size":{"min":8,"max":64},"beta1":[0.5,0.9]}""");

        var (first, errors) = SweepExpander.Expand("random", space, Space("{}"), 10, 7);
        var (again, _) = SweepExpander.Expand("random", space, Space("{}"), 10, 7);

        Assert.Empty(errors);
        Assert.Equal(10, first.Count);
        Assert.All(first, r => Assert.InRange(r["learning_rate"].GetDouble(), 0.0001, 0.01));
        Assert.All(first, r => Assert.InRange(r["batch_size"].GetInt64(), 8, 64));
        Assert.All(first, r => Assert.Contains(r["beta1"].GetDouble(), new[] { 0.5, 0.9 }));
        Assert.Equal(first.Select(r => r["learning_rate"].GetDouble()), again.Select(r => r["learning_rate"].GetDouble()));
        Assert.True(first.Select(r => r["learning_rate"].GetDouble()).Distinct().Count() > 5);
    }

    [Theory]
    [InlineData("grid", """{"lr":{"min":1,"max":2}}""", "lr")]
    [InlineData("grid", """{"lr":[]}""", "lr")]
    [InlineData("grid", "{}", "parameters")]
    [InlineData("annealing", """{"lr":[1]}""", "strategy")]
    public void Bad_search_spaces_are_refused_with_the_reason(string strategy, string space, string key)
    {
        var (runs, errors) = SweepExpander.Expand(strategy, Space(space), Space("{}"), 3, 1);

        Assert.Empty(runs);
        Assert.Contains(errors, e => e.StartsWith(key + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void A_grid_over_the_run_limit_is_refused()
    {
        var (_, errors) = SweepExpander.Expand("grid", Space("""{"a":[1,2,3,4,5,6,7,8,9],"b":[1,2,3,4,5,6,7,8]}"""), Space("{}"), 0, 1);

        Assert.Contains(errors, e => e.Contains("at most", StringComparison.Ordinal));
    }

    [Fact]
    public void The_best_run_has_the_lowest_primary_metric_among_runs_that_reported_it()
    {
        var finals = new List<IReadOnlyDictionary<string, double>?>
        {
            new Dictionary<string, double> { ["mean_image_mse"] = 0.3 },
            null,
            new Dictionary<string, double> { ["mean_image_mse"] = 0.1 },
            new Dictionary<string, double> { ["other"] = 0.0 },
        };

        Assert.Equal(2, PrimaryMetrics.Best(finals, "mean_image_mse", higherIsBetter: false));
        Assert.Equal(0, PrimaryMetrics.Best(finals, "mean_image_mse", higherIsBetter: true));
        Assert.Null(PrimaryMetrics.Best([null], "mean_image_mse", false));
    }
}
