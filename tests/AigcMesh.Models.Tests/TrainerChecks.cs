namespace AigcMesh.Models.Tests;

/// <summary>What every family's trainer must do, checked the same way for each: seeds repeat, checkpoints resume exactly.</summary>
internal static class TrainerChecks
{
    public static byte[] Weights(IModelTrainer trainer)
    {
        using var stream = new MemoryStream();
        trainer.SaveWeights(stream);
        return stream.ToArray();
    }

    public static byte[] Checkpoint(IModelTrainer trainer)
    {
        using var stream = new MemoryStream();
        trainer.SaveCheckpoint(stream);
        return stream.ToArray();
    }

    public static List<IReadOnlyDictionary<string, double>> Train(IModelTrainer trainer, int steps) =>
        Enumerable.Range(0, steps).Select(_ => trainer.TrainStep().Losses).ToList();

    /// <summary>Same seed: the same initial weights, the same losses step by step; another seed: other weights.</summary>
    public static void SameSeedSameRun(Func<long, IModelTrainer> create, int steps = 3)
    {
        using var a = create(5);
        using var b = create(5);
        using var other = create(6);
        Assert.Equal(Weights(a), Weights(b));
        Assert.NotEqual(Weights(a), Weights(other));

        var lossesA = Train(a, steps);
        var lossesB = Train(b, steps);

        Assert.Equal(lossesA, lossesB);
        Assert.Equal(Weights(a), Weights(b));
    }

    /// <summary>A run stopped at a checkpoint and resumed by a fresh trainer ends with exactly the uninterrupted run's losses and weights.</summary>
    public static void ResumesExactly(Func<long, IModelTrainer> create, int before = 2, int after = 2)
    {
        using var original = create(11);
        Train(original, before);
        var checkpoint = Checkpoint(original);
        var expected = Train(original, after);

        using var resumed = create(11);
        resumed.LoadCheckpoint(new MemoryStream(checkpoint));
        Assert.Equal(before, resumed.Step);
        var actual = Train(resumed, after);

        Assert.Equal(expected, actual);
        Assert.Equal(before + after, resumed.Step);
        Assert.Equal(Weights(original), Weights(resumed));
    }

    /// <summary>A checkpoint of one config is refused by a trainer of another, with the differing key named.</summary>
    public static void RefusesForeignCheckpoint(IModelTrainer saved, IModelTrainer other, string differingKey)
    {
        var error = Assert.Throws<InvalidDataException>(() => other.LoadCheckpoint(new MemoryStream(Checkpoint(saved))));
        Assert.Contains(differingKey, error.Message);
    }
}
