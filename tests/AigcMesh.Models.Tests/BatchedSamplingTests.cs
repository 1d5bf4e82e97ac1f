using AigcMesh.Models.Inference;
using AigcMesh.Models.Tests.TestData;

namespace AigcMesh.Models.Tests;

/// <summary>GPT and LSTM sample many sequences in one forward pass per step, each row exactly as it would alone.</summary>
public sealed class BatchedSamplingTests
{
    [Theory]
    [MemberData(nameof(TextFamilyTests.Families), MemberType = typeof(TextFamilyTests))]
    public void Each_row_gets_the_tokens_it_gets_alone_whatever_joins_or_leaves(string family)
    {
        using var data = InMemoryTextDataset.Load(5_000);
        using var trainer = ModelFamilies.CreateTrainer(family, TextFamilyTests.Tiny(family, context: 16), data, seed: 3);
        TrainerChecks.Train(trainer, 10);
        using var model = ModelFamilies.LoadTextModel(family, trainer.ModelConfig, new MemoryStream(TrainerChecks.Weights(trainer)));
        // Prompts of different lengths, each with its own settings; 30 tokens run past GPT's 16-token window.
        var requests = new (string Prompt, int Tokens, double Temperature, int TopK, double TopP, long Seed)[]
        {
            ("H", 30, 1.0, 0, 1.0, 1),
            ("It is a truth", 30, 1.5, 5, 1.0, 2),
            ("Hello", 12, 0.0, 0, 1.0, 3),
            ("a single man in possession", 25, 0.8, 0, 0.9, 4),
        };
        var alone = requests.Select(r => model.Sample(data.Tokenizer.Encode(r.Prompt), r.Tokens, r.Temperature, r.TopK, r.TopP, r.Seed).ToList()).ToList();

        using var batch = model.OpenBatch();
        var got = requests.Select(_ => new List<int>()).ToList();
        var rows = new Dictionary<int, int>();   // row -> request
        void Join(int i)
        {
            var r = requests[i];
            rows[batch.Add(data.Tokenizer.Encode(r.Prompt), r.Tokens, r.Temperature, r.TopK, r.TopP, r.Seed)] = i;
        }
        Join(0);
        Join(1);
        var sizes = new List<int>();
        var leaver = -1;
        for (var step = 0; batch.Count > 0; step++)
        {
            if (step == 3) Join(2);                    // joins while others run
            if (step == 5) leaver = rows.First(r => r.Value == 1).Key;
            if (step == 5) batch.Remove(leaver);       // a caller leaves: its row goes, the others go on
            if (step == 7) Join(3);
            sizes.Add(batch.Count);
            foreach (var token in batch.Step()) got[rows[token.Row]].Add(token.Token);
        }

        Assert.Equal(alone[0], got[0]);
        Assert.Equal(alone[1].Take(5), got[1]);
        Assert.Equal(alone[2], got[2]);
        Assert.Equal(alone[3], got[3]);
        Assert.Contains(sizes, s => s >= 3);

        // The greedy row is the argmax of a full forward pass over its text (GPT: the last 16 tokens) at every token,
        // across the point where GPT's cached decoding hands over to recomputing the window.
        var context = data.Tokenizer.Encode(requests[2].Prompt).ToList();
        foreach (var token in got[2])
        {
            var logits = model.NextTokenLogits([context])[0];
            Assert.Equal(Array.IndexOf(logits, logits.Max()), token);
            context.Add(token);
        }
        Assert.True(context.Count > 16);
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Add([data.Tokenizer.VocabularySize], 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.Add(data.Tokenizer.Encode("a"), 0));
    }
}
