using AigcMesh.Contracts.Generation;
using AigcMesh.Datasets;
using AigcMesh.Generator.Inference;
using AigcMesh.Models.Inference;
using AigcMesh.Storage;

namespace AigcMesh.Generator.Tests;

/// <summary>
/// A slow language model for the streaming plumbing: it samples token ids from a seeded generator, taking
/// <see cref="TokenDelay"/> per token (per step of a batch, as one batched forward pass would), and counts the tokens
/// it produced, in all and per seed, so a test can see sampling stop when a caller leaves.
/// </summary>
public sealed class TestTextModel(int vocabularySize, TimeSpan tokenDelay) : ITextModel
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, int> producedBySeed = new();
    private int produced;

    public string Family => "gpt";
    public int VocabularySize { get; } = vocabularySize;
    public int? ContextLength => 64;
    public long ParameterCount => VocabularySize;
    public TimeSpan TokenDelay { get; } = tokenDelay;
    public int Produced => Volatile.Read(ref produced);

    public int ProducedFor(long seed) => producedBySeed.GetValueOrDefault(seed);

    public float[][] NextTokenLogits(IReadOnlyList<IReadOnlyList<int>> sequences) => sequences.Select(_ => new float[VocabularySize]).ToArray();

    public IEnumerable<int> Sample(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1, int topK = 0, double topP = 1, long seed = 0)
    {
        var random = new Random(HashCode.Combine(seed, prompt.Count, prompt[^1]));
        for (var i = 0; i < maxNewTokens; i++)
        {
            Thread.Sleep(TokenDelay);
            Count(seed);
            yield return random.Next(VocabularySize);
        }
    }

    public ITextSampleBatch OpenBatch() => new Batch(this);

    private void Count(long seed)
    {
        Interlocked.Increment(ref produced);
        producedBySeed.AddOrUpdate(seed, 1, (_, n) => n + 1);
    }

    /// <summary>Every row gets a token per step, and a step takes <see cref="TokenDelay"/> however many rows it has.</summary>
    private sealed class Batch(TestTextModel model) : ITextSampleBatch
    {
        private readonly Dictionary<int, (Random Random, long Seed, int Left)> rows = [];
        private int next;

        public int Count => rows.Count;

        public int Add(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1, int topK = 0, double topP = 1, long seed = 0)
        {
            rows.Add(next, (new Random(HashCode.Combine(seed, prompt.Count, prompt[^1])), seed, maxNewTokens));
            return next++;
        }

        public void Remove(int row) => rows.Remove(row);

        public IReadOnlyList<SampledToken> Step()
        {
            Thread.Sleep(model.TokenDelay);
            var tokens = new List<SampledToken>();
            foreach (var (row, (random, seed, left)) in rows.ToList())
            {
                model.Count(seed);
                tokens.Add(new SampledToken(row, random.Next(model.VocabularySize), left == 1));
                if (left == 1) rows.Remove(row);
                else rows[row] = (random, seed, left - 1);
            }
            return tokens;
        }

        public void Dispose()
        {
        }
    }

    public TextLoss CrossEntropy(IReadOnlyList<int> tokens) => new(Math.Log(VocabularySize), tokens.Count - 1);

    public void Dispose()
    {
    }
}

/// <summary>Loads text models as <see cref="TestTextModel"/> (with the data set's real tokenizer) and image models through the library; counts loads.</summary>
public sealed class TestModelLoader(ArtifactStore store, TimeSpan tokenDelay) : IModelLoader
{
    private readonly FamilyModelLoader families = new(store);
    private int loads;

    public TestTextModel? LastTextModel { get; private set; }
    public int Loads => Volatile.Read(ref loads);

    /// <summary>When set, loading waits for it (requests pile up in the queue meanwhile).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public LoadedModel Load(GeneratorModel model)
    {
        Interlocked.Increment(ref loads);
        Gate?.Task.Wait(TimeSpan.FromSeconds(30));
        if (model.Family != "gpt") return families.Load(model);
        var manifest = DatasetReader.ReadManifest(store, model.DatasetId);
        var tokenization = manifest.Text!.Tokenizations.First(t => t.Kind == model.Config["tokenizer"]);
        var tokenizer = DatasetReader.LoadTokenizer(store, tokenization.TokenizerArtifactId);
        LastTextModel = new TestTextModel(tokenizer.VocabularySize, tokenDelay);
        return new LoadedModel(null, LastTextModel, tokenizer);
    }
}
