using System.Text;
using AigcMesh.Datasets;
using AigcMesh.Models.Data;
using AigcMesh.Models.Inference;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace AigcMesh.Models.Training;

/// <summary>How a language model trains, whatever its network: windows of the token stream, AdamW, warm-up, clipping.</summary>
internal sealed record LanguageTraining(int BatchSize, int ContextLength, double LearningRate, int WarmupSteps, double WeightDecay, double GradientClip);

/// <summary>
/// One GPT or LSTM run: AdamW steps on the next-token cross-entropy of random windows of the training split, the
/// learning rate warmed up linearly, gradients clipped by global norm. Validation reports "val_loss" in nats per token.
/// </summary>
internal sealed class LanguageModelTrainer : FamilyTrainer
{
    private const int HeldWindows = 32;
    private const int SnapshotTokens = 200;
    private readonly LanguageModule _model;
    private readonly LanguageTraining _training;
    private readonly AdamW _optimizer;
    private readonly TextBatches _batches;
    private readonly ITextTokenizer _tokenizer;
    private readonly Func<LanguageModule, double> _forwardFlopsPerToken;

    public LanguageModelTrainer(string family, IReadOnlyDictionary<string, string> modelConfig, Func<LanguageModule> create,
        Func<LanguageModule, double> forwardFlopsPerToken, LanguageTraining training, ITextDataset data, long seed, Device device)
        : base(family, modelConfig, seed, device)
    {
        _training = training;
        _tokenizer = data.Tokenizer;
        _forwardFlopsPerToken = forwardFlopsPerToken;
        _batches = new TextBatches(data, training.BatchSize, training.ContextLength, seed);
        _model = TorchRuntime.Seeded(seed, create).to(device);
        _optimizer = optim.AdamW(_model.parameters(), training.LearningRate, 0.9, 0.99, weight_decay: training.WeightDecay);
    }

    protected override nn.Module Model => _model;
    protected override IReadOnlyList<OptimizerHelper> Optimizers => [_optimizer];
    public override int ItemsPerStep => _training.BatchSize * _training.ContextLength;

    /// <summary>Forward and backward (3x the forward pass) over every token of the batch.</summary>
    public override double FlopsPerStep => 3 * ItemsPerStep * _forwardFlopsPerToken(_model);

    /// <summary>The learning rate of step <paramref name="step"/> (0-based): linear warm-up, then constant.</summary>
    public double LearningRateAt(int step) =>
        _training.LearningRate * Math.Min(1.0, (step + 1.0) / Math.Max(1, _training.WarmupSteps));

    public override TrainStepResult TrainStep()
    {
        using var scope = NewDisposeScope();
        _model.train();
        var learningRate = LearningRateAt(Step);
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = learningRate;
        var (inputs, targets) = _batches.ForStep(Step, Device);
        var loss = cross_entropy(_model.forward(inputs).flatten(0, 1), targets.flatten());

        _optimizer.zero_grad();
        loss.backward();
        var norm = nn.utils.clip_grad_norm_(_model.parameters(), _training.GradientClip);
        _optimizer.step();

        Step++;
        return new TrainStepResult(new Dictionary<string, double>
        {
            ["loss"] = loss.item<float>(),
            ["grad_norm"] = norm,
        }, learningRate);
    }

    /// <summary>Mean next-token cross-entropy on held-out windows: "val_loss" in nats per token, and in bits.</summary>
    public override IReadOnlyDictionary<string, double> Validate()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _model.eval();
        try
        {
            var (inputs, targets) = _batches.Held(HeldWindows, Device);
            var loss = (double)cross_entropy(_model.forward(inputs).flatten(0, 1), targets.flatten()).item<float>();
            return new Dictionary<string, double> { ["val_loss"] = loss, ["val_bits_per_token"] = loss / Math.Log(2) };
        }
        finally
        {
            _model.train();
        }
    }

    /// <summary>Text sampled (temperature 0.8, fixed seed) after the first held-out token, decoded with the data set's tokenizer.</summary>
    public override (byte[] Content, string MediaType) Snapshot()
    {
        _model.eval();
        try
        {
            using var scope = NewDisposeScope();
            var (inputs, _) = _batches.Held(1, Device);
            var prompt = new[] { (int)inputs[0, 0].item<long>() };
            var tokens = LanguageModel.Stream(_model, prompt, SnapshotTokens, new TokenSampler(0.8, seed: Seed), Device).ToArray();
            return (Encoding.UTF8.GetBytes(_tokenizer.Decode([.. prompt, .. tokens])), "text/plain; charset=utf-8");
        }
        finally
        {
            _model.train();
        }
    }
}
