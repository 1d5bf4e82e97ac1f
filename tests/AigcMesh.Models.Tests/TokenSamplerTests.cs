using AigcMesh.Models.Inference;

namespace AigcMesh.Models.Tests;

public sealed class TokenSamplerTests
{
    private static readonly float[] Logits = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];

    private static int[] Counts(TokenSampler sampler, int draws = 4_000)
    {
        var counts = new int[Logits.Length];
        for (var i = 0; i < draws; i++) counts[sampler.Pick(Logits)]++;
        return counts;
    }

    [Fact]
    public void Draws_follow_the_softmax_at_temperature_one()
    {
        var counts = Counts(new TokenSampler(seed: 1));
        Assert.InRange(counts[0] / 4000.0, 0.46, 0.54);
        Assert.InRange(counts[1] / 4000.0, 0.26, 0.34);
        Assert.InRange(counts[3] / 4000.0, 0.03, 0.07);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_that_reaches_p()
    {
        Assert.Equal([4000, 0, 0, 0], Counts(new TokenSampler(topP: 0.5, seed: 1)));
        var counts = Counts(new TokenSampler(topP: 0.8, seed: 1));
        Assert.True(counts[0] > 0 && counts[1] > 0 && counts[2] == 0 && counts[3] == 0, string.Join(",", counts));
        Assert.InRange(counts[0] / 4000.0, 0.58, 0.67);   // 0.5 / 0.8
    }

    [Fact]
    public void Top_k_and_low_temperature_narrow_the_choice()
    {
        var topTwo = Counts(new TokenSampler(topK: 2, seed: 1));
        Assert.Equal(0, topTwo[2] + topTwo[3]);
        var cold = Counts(new TokenSampler(temperature: 0.2, seed: 1));
        Assert.True(cold[0] > 3_550, string.Join(",", cold));
        Assert.Equal([4000, 0, 0, 0], Counts(new TokenSampler(temperature: 0, seed: 1)));
    }

    [Fact]
    public void Same_seed_same_picks()
    {
        var (a, b, c) = (new TokenSampler(seed: 5), new TokenSampler(seed: 5), new TokenSampler(seed: 6));
        var picksA = Enumerable.Range(0, 50).Select(_ => a.Pick(Logits)).ToList();
        Assert.Equal(picksA, Enumerable.Range(0, 50).Select(_ => b.Pick(Logits)));
        Assert.NotEqual(picksA, Enumerable.Range(0, 50).Select(_ => c.Pick(Logits)));
    }

    [Fact]
    public void Bad_settings_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(temperature: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(topK: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TokenSampler(topP: 1.5));
    }
}
