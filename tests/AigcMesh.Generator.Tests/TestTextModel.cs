using AigcMesh.Contracts.Generation;
using AigcMesh.Datasets;
using AigcMesh.Generator.Inference;
using AigcMesh.Models.Inference;
using AigcMesh.Storage;

namespace AigcMesh.Generator.Tests;

/// <summary>
/// A slow language model for the streaming plumbing (until the model library's GPT lands in these tests): it samples
/// token ids from a seeded generator, taking <see cref="TokenDelay"/> per token, and counts the tokens it produced so a
/// test can see sampling stop when the caller leaves.
/// </summary>
public sealed class TestTextModel(int vocabularySize, TimeSpan tokenDelay) : ITextModel
{
    private int produced;

    public string Family => "gpt";
    public int VocabularySize { get; } = vocabularySize;
    public int? ContextLength => 64;
    public long ParameterCount => VocabularySize;
    public TimeSpan TokenDelay { get; } = tokenDelay;
    public int Produced => Volatile.Read(ref produced);

    public float[][] NextTokenLogits(IReadOnlyList<IReadOnlyList<int>> sequences) => sequences.Select(_ => new float[VocabularySize]).ToArray();

    public IEnumerable<int> Sample(IReadOnlyList<int> prompt, int maxNewTokens, double temperature = 1, int topK = 0, double topP = 1, long seed = 0)
    {
        var random = new Random(HashCode.Combine(seed, prompt.Count, prompt[^1]));
        for (var i = 0; i < maxNewTokens; i++)
        {
            Thread.Sleep(TokenDelay);
            Interlocked.Increment(ref produced);
            yield return random.Next(VocabularySize);
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
