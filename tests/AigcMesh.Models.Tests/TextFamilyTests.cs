using AigcMesh.Contracts.Datasets;
using AigcMesh.Datasets;
using AigcMesh.Datasets.BuiltIn;
using AigcMesh.Models.Families.Gpt;
using AigcMesh.Models.Families.Lstm;
using AigcMesh.Models.Inference;
using AigcMesh.Models.Tests.TestData;
using AigcMesh.Models.Training;
using AigcMesh.Storage;
using AigcMesh.Testing;
using static TorchSharp.torch;

namespace AigcMesh.Models.Tests;

/// <summary>GPT and LSTM, checked the same way: they learn, repeat with a seed, resume, save, load, sample and score.</summary>
public sealed class TextFamilyTests
{
    public static TheoryData<string> Families => ["gpt", "lstm"];

    internal static Dictionary<string, string> Tiny(string family, int context = 32) => family switch
    {
        "gpt" => new()
        {
            ["layers"] = "2",
            ["heads"] = "2",
            ["embedding_size"] = "32",
            ["context_length"] = $"{context}",
            ["batch_size"] = "8",
            ["learning_rate"] = "0.003",
            ["warmup_steps"] = "5",
        },
        _ => new()
        {
            ["layers"] = "1",
            ["embedding_size"] = "32",
            ["hidden_size"] = "64",
            ["context_length"] = $"{context}",
            ["batch_size"] = "8",
            ["learning_rate"] = "0.005",
            ["warmup_steps"] = "5",
        },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Validation_loss_falls_clearly_on_fortunes_within_a_short_budget(string family)
    {
        using var data = InMemoryTextDataset.Load();
        using var trainer = ModelFamilies.CreateTrainer(family, Tiny(family), data, seed: 1);
        var before = trainer.Validate()["val_loss"];

        TrainerChecks.Train(trainer, 80);

        var after = trainer.Validate()["val_loss"];
        // Untrained, every character is about equally likely: ln V nats.
        Assert.InRange(before, Math.Log(data.Tokenizer.VocabularySize) - 0.3, Math.Log(data.Tokenizer.VocabularySize) + 0.3);
        Assert.True(after < before - 1.0, $"{family} val_loss {before:F3} -> {after:F3} nats/token");
        Assert.Equal(80, trainer.Step);
    }

    [Theory]
    [InlineData("gpt", "bpe")]
    [InlineData("lstm", "char")]
    public async Task A_few_steps_reduce_the_loss_on_the_built_in_corpus(string family, string tokenizer)
    {
        using var folder = new TempDirectory();
        var store = new ArtifactStore(folder.Path);
        var id = await BuiltInDatasets.ImportSyntheticTextAsync(store);
        using var data = DatasetReader.OpenText(store, id, tokenizer);
        var hyperparameters = new Dictionary<string, string>(Tiny(family)) { ["tokenizer"] = tokenizer };
        using var trainer = ModelFamilies.CreateTrainer(family, hyperparameters, data, seed: 1);
        var before = trainer.Validate()["val_loss"];

        TrainerChecks.Train(trainer, 30);

        var after = trainer.Validate()["val_loss"];
        Assert.True(after < before - 0.5, $"{family}/{tokenizer} val_loss {before:F3} -> {after:F3}");
        Assert.Equal(tokenizer, trainer.ModelConfig["tokenizer"]);
        Assert.Equal($"{data.Tokenizer.VocabularySize}", trainer.ModelConfig["vocab_size"]);
        Assert.Equal("text/plain; charset=utf-8", trainer.Snapshot().MediaType);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Same_seed_same_run(string family) =>
        TrainerChecks.SameSeedSameRun(seed => ModelFamilies.CreateTrainer(family, Tiny(family), InMemoryTextDataset.Load(5_000), seed));

    [Theory]
    [MemberData(nameof(Families))]
    public void Resumed_run_continues_exactly(string family) =>
        TrainerChecks.ResumesExactly(seed => ModelFamilies.CreateTrainer(family, Tiny(family), InMemoryTextDataset.Load(5_000), seed));

    [Theory]
    [MemberData(nameof(Families))]
    public void Checkpoint_of_another_config_is_refused(string family)
    {
        using var data = InMemoryTextDataset.Load(5_000);
        using var a = ModelFamilies.CreateTrainer(family, Tiny(family), data, seed: 1);
        using var b = ModelFamilies.CreateTrainer(family, Tiny(family, context: 16), data, seed: 1);
        TrainerChecks.RefusesForeignCheckpoint(a, b, "context_length");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Saved_weights_load_into_a_model_that_gives_identical_outputs(string family)
    {
        using var data = InMemoryTextDataset.Load(5_000);
        using var trainer = ModelFamilies.CreateTrainer(family, Tiny(family), data, seed: 3);
        using var other = ModelFamilies.CreateTrainer(family, Tiny(family), data, seed: 4);
        TrainerChecks.Train(trainer, 3);
        var weights = TrainerChecks.Weights(trainer);
        var tokens = data.Tokenizer.Encode("The quick brown fox jumps over the lazy dog.");

        using var a = ModelFamilies.LoadTextModel(family, trainer.ModelConfig, new MemoryStream(weights));
        using var b = ModelFamilies.LoadTextModel(family, trainer.ModelConfig, new MemoryStream(weights));
        using var c = ModelFamilies.LoadTextModel(family, other.ModelConfig, new MemoryStream(TrainerChecks.Weights(other)));

        Assert.Equal(a.NextTokenLogits([tokens]), b.NextTokenLogits([tokens]));
        Assert.NotEqual(a.NextTokenLogits([tokens]), c.NextTokenLogits([tokens]));
        Assert.Equal(a.CrossEntropy(tokens), b.CrossEntropy(tokens));
        Assert.Equal(a.Sample(tokens, 20, seed: 1), b.Sample(tokens, 20, seed: 1));
        Assert.Equal(trainer.ParameterCount, a.ParameterCount);
        Assert.Equal(data.Tokenizer.VocabularySize, a.VocabularySize);
        Assert.Equal(family == "gpt" ? 32 : null, a.ContextLength);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Weights_of_another_shape_are_refused(string family)
    {
        using var data = InMemoryTextDataset.Load(5_000);
        using var trainer = ModelFamilies.CreateTrainer(family, Tiny(family), data, seed: 3);
        var config = trainer.ModelConfig.ToDictionary();
        config["embedding_size"] = "48";

        var error = Assert.Throws<InvalidDataException>(() => ModelFamilies.LoadTextModel(family, config, new MemoryStream(TrainerChecks.Weights(trainer))));
        Assert.Contains("embedding", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Sampling_honours_seed_temperature_and_top_k(string family)
    {
        using var data = InMemoryTextDataset.Load(5_000);
        using var trainer = ModelFamilies.CreateTrainer(family, Tiny(family), data, seed: 3);
        TrainerChecks.Train(trainer, 10);
        using var model = ModelFamilies.LoadTextModel(family, trainer.ModelConfig, new MemoryStream(TrainerChecks.Weights(trainer)));
        var prompt = data.Tokenizer.Encode("Hello");

        var sample = model.Sample(prompt, 40, temperature: 1.5, seed: 7).ToList();
        Assert.Equal(40, sample.Count);
        Assert.Equal(sample, model.Sample(prompt, 40, temperature: 1.5, seed: 7));
        Assert.NotEqual(sample, model.Sample(prompt, 40, temperature: 1.5, seed: 8));
        Assert.Equal(sample.Take(5), model.Sample(prompt, 1_000_000, temperature: 1.5, seed: 7).Take(5));   // streamed, not computed up front

        var greedy = model.Sample(prompt, 20, temperature: 0).ToList();
        Assert.Equal(greedy, model.Sample(prompt, 20, topK: 1, seed: 99));
        var context = prompt.ToList();
        foreach (var token in greedy)
        {
            var logits = model.NextTokenLogits([context])[0];
            Assert.Equal(Array.IndexOf(logits, logits.Max()), token);
            context.Add(token);
        }

        context = prompt.ToList();
        foreach (var token in model.Sample(prompt, 30, temperature: 2.0, topK: 3, seed: 5))
        {
            var logits = model.NextTokenLogits([context])[0];
            var third = logits.OrderDescending().ElementAt(2);
            Assert.True(logits[token] >= third, $"token {token} is outside the top 3");
            context.Add(token);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(prompt, 5, temperature: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample(prompt, 5, topP: 0));
        Assert.Throws<ArgumentException>(() => model.Sample([], 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Sample([data.Tokenizer.VocabularySize], 5));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void A_model_that_predicts_uniformly_has_cross_entropy_ln_V(string family)
    {
        const int vocabulary = 37;
        var config = new Dictionary<string, string>(Tiny(family)) { ["vocab_size"] = $"{vocabulary}", ["tokenizer"] = "char" };
        using var module = family == "gpt" ? (nn.Module)new Gpt(GptConfig.Read(config).Config) : new Lstm(LstmConfig.Read(config).Config);
        using (no_grad())
            foreach (var (name, p) in module.named_parameters().Where(p => p.name.StartsWith("head.", StringComparison.Ordinal)))
                p.zero_();
        using var weights = new MemoryStream();
        WeightsFile.Save(module, weights);
        using var model = ModelFamilies.LoadTextModel(family, config, new MemoryStream(weights.ToArray()));
        var tokens = Enumerable.Range(0, 100).Select(i => i * 7 % vocabulary).ToList();

        var loss = model.CrossEntropy(tokens);

        Assert.Equal(Math.Log(vocabulary), loss.NatsPerToken, 5);
        Assert.Equal(99, loss.PredictedTokens);
        Assert.Equal(Math.Log2(vocabulary), loss.BitsPerToken, 5);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Cross_entropy_of_a_long_text_matches_the_training_loss_scale(string family)
    {
        using var data = InMemoryTextDataset.Load(20_000);
        using var trainer = ModelFamilies.CreateTrainer(family, Tiny(family), data, seed: 2);
        TrainerChecks.Train(trainer, 40);
        using var model = ModelFamilies.LoadTextModel(family, trainer.ModelConfig, new MemoryStream(TrainerChecks.Weights(trainer)));
        var tokens = new int[1_500];
        data.Read(DatasetSplit.Validation, 0, tokens);

        var loss = model.CrossEntropy(tokens);

        Assert.Equal(1_499, loss.PredictedTokens);
        Assert.InRange(loss.NatsPerToken, trainer.Validate()["val_loss"] - 0.4, trainer.Validate()["val_loss"] + 0.4);
    }

    [Fact]
    public void Bad_hyperparameters_are_refused_with_reasons()
    {
        var gpt = ModelFamilies.Validate("gpt", new Dictionary<string, string> { ["embedding_size"] = "30", ["heads"] = "4", ["tokenizer"] = "words" });
        Assert.Contains(gpt, e => e.StartsWith("embedding_size 30 must divide by heads 4", StringComparison.Ordinal));
        Assert.Contains(gpt, e => e.StartsWith("tokenizer: 'words' is not one of bpe, char", StringComparison.Ordinal));

        var lstm = ModelFamilies.Validate("lstm", new Dictionary<string, string> { ["hidden_size"] = "-1", ["vocab_size"] = "10", ["heads"] = "2" });
        Assert.Contains(lstm, e => e.StartsWith("hidden_size: -1 is outside", StringComparison.Ordinal));
        Assert.Contains(lstm, e => e.StartsWith("vocab_size: set from the data set", StringComparison.Ordinal));
        Assert.Contains(lstm, e => e.StartsWith("heads: unknown hyperparameter", StringComparison.Ordinal));

        Assert.Contains(ModelFamilies.Validate("gpt", new Dictionary<string, string>(), DatasetModality.Image), e => e.StartsWith("family: gpt trains on Text", StringComparison.Ordinal));
        Assert.Empty(ModelFamilies.Validate("gpt", new Dictionary<string, string> { ["tokenizer"] = "char" }));
        Assert.Equal("bpe", ModelFamilies.Defaults("lstm")["tokenizer"]);
    }

    [Fact]
    public void A_run_that_asks_for_other_tokens_than_the_data_set_was_opened_with_is_refused()
    {
        using var data = InMemoryTextDataset.Load(5_000);   // char tokens
        var error = Assert.Throws<ModelConfigException>(() =>
            ModelFamilies.CreateTrainer("gpt", new Dictionary<string, string>(Tiny("gpt")) { ["tokenizer"] = "bpe" }, data, seed: 1));
        Assert.StartsWith("tokenizer: the run asks for 'bpe' tokens", error.Errors.Single());
    }
}
