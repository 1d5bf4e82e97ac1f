using AigcMesh.Models.Inference;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static TorchSharp.torch.nn.functional;

namespace AigcMesh.Models.Families.Gpt;

/// <summary>
/// A decoder-only Transformer (Radford et al., 2018/2019; after nanoGPT): token plus learned position embeddings,
/// pre-norm blocks of causal multi-head self-attention and a GELU MLP, each added to the residual stream, a final
/// layer norm and a linear head to next-token logits. Weights from N(0, 0.02); the projections into the residual
/// stream from N(0, 0.02 / sqrt(2 * layers)) (GPT-2).
/// </summary>
public sealed partial class Gpt : LanguageModule
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm final_norm;
    private readonly Linear head;
    private readonly GptConfig _config;

    public Gpt(GptConfig config) : base(nameof(Gpt), config.Text.VocabularySize, config.ContextLength)
    {
        _config = config;
        token_embedding = Embedding(config.Text.VocabularySize, config.EmbeddingSize);
        position_embedding = Embedding(config.ContextLength, config.EmbeddingSize);
        blocks = new ModuleList<Block>(Enumerable.Range(0, config.Layers).Select(_ => new Block(config)).ToArray());
        final_norm = LayerNorm(config.EmbeddingSize);
        head = Linear(config.EmbeddingSize, config.Text.VocabularySize, hasBias: false);
        RegisterComponents();
        InitialiseWeights();
    }

    /// <summary>Next-token logits [B, T, V] for token ids [B, T] (T at most the context length).</summary>
    public override Tensor forward(Tensor tokens) => head.forward(final_norm.forward(Residual(tokens)));

    /// <summary>Logits [B, V] at one position per row: the head runs on those positions only.</summary>
    internal override Tensor LastLogits(Tensor tokens, Tensor last)
    {
        var x = Residual(tokens);
        return head.forward(final_norm.forward(x.gather(1, last.view(-1, 1, 1).expand(-1, 1, x.shape[2])).squeeze(1)));
    }

    /// <summary>The residual stream [B, T, d] after the last block.</summary>
    private Tensor Residual(Tensor tokens)
    {
        var positions = arange(tokens.shape[1], dtype: ScalarType.Int64, device: tokens.device);
        var x = token_embedding.forward(tokens) + position_embedding.forward(positions);
        foreach (var block in blocks) x = block.forward(x);
        return x;
    }

    /// <summary>
    /// Forward FLOPs per token (nanoGPT's estimate): 2 per weight of every matrix multiply (the embedding lookups
    /// are free) plus attention's scores and weighted sum, 4 * layers * T * d, over a full context.
    /// </summary>
    public double ForwardFlopsPerToken()
    {
        var embeddings = token_embedding.weight!.numel() + position_embedding.weight!.numel();
        var weights = parameters().Sum(p => p.numel()) - embeddings;
        return 2.0 * weights + 4.0 * _config.Layers * _config.ContextLength * _config.EmbeddingSize;
    }

    private void InitialiseWeights()
    {
        using var _ = no_grad();
        var residualStd = 0.02 / Math.Sqrt(2 * _config.Layers);
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) init.zeros_(p);
            else if (name.Contains("norm", StringComparison.Ordinal)) init.ones_(p);
            else init.normal_(p, 0, name.EndsWith("projection.weight", StringComparison.Ordinal) ? residualStd : 0.02);
        }
    }
}

/// <summary>x + attention(norm(x)), then x + mlp(norm(x)).</summary>
internal sealed partial class Block : Module<Tensor, Tensor>
{
    private readonly LayerNorm attention_norm;
    private readonly CausalSelfAttention attention;
    private readonly LayerNorm mlp_norm;
    private readonly Mlp mlp;

    public Block(GptConfig config) : base(nameof(Block))
    {
        attention_norm = LayerNorm(config.EmbeddingSize);
        attention = new CausalSelfAttention(config);
        mlp_norm = LayerNorm(config.EmbeddingSize);
        mlp = new Mlp(config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = x + attention.forward(attention_norm.forward(x));
        return x + mlp.forward(mlp_norm.forward(x));
    }
}

/// <summary>Multi-head scaled dot-product attention where each position attends to itself and the positions before it.</summary>
internal sealed partial class CausalSelfAttention : Module<Tensor, Tensor>
{
    private readonly Linear query_key_value;
    private readonly Linear projection;
    private readonly int _heads;

    public CausalSelfAttention(GptConfig config) : base(nameof(CausalSelfAttention))
    {
        _heads = config.Heads;
        query_key_value = Linear(config.EmbeddingSize, 3 * config.EmbeddingSize);
        projection = Linear(config.EmbeddingSize, config.EmbeddingSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var (b, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = query_key_value.forward(x).split(d, dim: 2);
        Tensor Heads(Tensor m) => m.view(b, t, _heads, d / _heads).transpose(1, 2);   // [B, heads, T, d/heads]
        var y = scaled_dot_product_attention(Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]), is_casual: true);
        return projection.forward(y.transpose(1, 2).contiguous().view(b, t, d));       // heads side by side
    }
}

/// <summary>Position-wise feed-forward: d -> 4d, GELU, 4d -> d.</summary>
internal sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly Linear expand;
    private readonly Linear projection;

    public Mlp(GptConfig config) : base(nameof(Mlp))
    {
        expand = Linear(config.EmbeddingSize, 4 * config.EmbeddingSize);
        projection = Linear(4 * config.EmbeddingSize, config.EmbeddingSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => projection.forward(gelu(expand.forward(x)));
}
