using AigcMesh.Models.Inference;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace AigcMesh.Models.Families.Gpt;

/// <summary>
/// Batched decoding with a key-value cache: a row's prompt runs once (its keys and values kept per layer), then each
/// step feeds every row only its newest token, which attends to the row's cached keys. Rows sit side by side in one
/// cache [B, heads, S, d/heads] with a mask of the columns each row owns (rows differ in length; attention does not
/// depend on the order of keys, their positions are in the embeddings). A row whose next position would pass the
/// context window goes on recomputing its last window each step (<see cref="WindowBatchStream"/>), as before.
/// </summary>
public sealed partial class Gpt
{
    internal override BatchTokenStream OpenBatchStream(Device device) => new CachedBatchStream(this, device);

    /// <summary>
    /// Residual stream [B, T, d] of <paramref name="tokens"/> at <paramref name="positions"/> [B, T], given each
    /// layer's past keys and values (none for a prompt: causal attention over the tokens themselves); returns the new
    /// keys and values (past and these tokens') per layer.
    /// </summary>
    private Tensor Decode(Tensor tokens, Tensor positions, Tensor[]? pastKeys, Tensor[]? pastValues, Tensor? mask, Tensor[] keys, Tensor[] values)
    {
        var x = token_embedding.forward(tokens) + position_embedding.forward(positions);
        for (var i = 0; i < blocks.Count; i++)
            x = blocks[i].forward(x, pastKeys?[i], pastValues?[i], mask, out keys[i], out values[i]);
        return x;
    }

    private Tensor Head(Tensor x) => head.forward(final_norm.forward(x));

    private sealed class CachedBatchStream(Gpt model, Device device) : BatchTokenStream
    {
        private readonly int context = model._config.ContextLength;
        private readonly Dictionary<int, List<long>> tokens = [];
        private readonly List<int> cached = [];                   // rows of the cache, in order
        private readonly List<int> prompts = [];                  // rows that have not run yet
        private readonly WindowBatchStream window = new(model, model._config.ContextLength, device);
        private readonly HashSet<int> windowed = [];
        private Tensor[]? keys, values;                            // per layer [B, heads, S, d/heads]
        private Tensor? owned;                                     // [B, S]: the columns each row owns

        public override void Add(int row, IReadOnlyList<int> prompt)
        {
            tokens.Add(row, [.. prompt.Select(t => (long)t)]);
            if (prompt.Count <= context) prompts.Add(row);
            else ToWindow(row);
        }

        public override void Append(int row, int token)
        {
            if (windowed.Contains(row))
            {
                window.Append(row, token);
                return;
            }
            var list = tokens[row];
            list.Add(token);
            if (list.Count <= context) return;   // its position (Count - 1) is inside the window
            RemoveCached(row);
            ToWindow(row);
        }

        public override void Remove(int row)
        {
            tokens.Remove(row);
            prompts.Remove(row);
            if (windowed.Remove(row)) window.Remove(row);
            else RemoveCached(row);
        }

        public override Dictionary<int, float[]> Logits()
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var result = cached.Count == 0 ? [] : PerRow(cached, Step());
            foreach (var row in prompts) result[row] = Prefill(row);
            prompts.Clear();
            if (windowed.Count > 0)
                foreach (var (row, logits) in window.Logits()) result[row] = logits;
            return result;
        }

        public override void Dispose()
        {
            SetCache(null, null, null);
            window.Dispose();
        }

        /// <summary>Every cached row's newest token at its own position, against its cached keys: logits [B, V].</summary>
        private Tensor Step()
        {
            var last = cached.Select(r => tokens[r][^1]).ToArray();
            var positions = cached.Select(r => (long)tokens[r].Count - 1).ToArray();
            var owns = cat([owned!, ones(cached.Count, 1, ScalarType.Bool, device)], 1);
            var (newKeys, newValues) = (new Tensor[keys!.Length], new Tensor[keys.Length]);
            var x = model.Decode(tensor(last, [cached.Count, 1]).to(device), tensor(positions, [cached.Count, 1]).to(device),
                keys, values, owns.view(cached.Count, 1, 1, -1), newKeys, newValues);
            SetCache(newKeys, newValues, owns);
            return model.Head(x[.., -1]);
        }

        /// <summary>Runs a new row's prompt alone, puts its keys and values into the cache; its next-token logits.</summary>
        private float[] Prefill(int row)
        {
            var prompt = tokens[row].ToArray();
            var (newKeys, newValues) = (new Tensor[model.blocks.Count], new Tensor[model.blocks.Count]);
            var x = model.Decode(tensor(prompt, [1, prompt.Length]).to(device), arange(prompt.Length, ScalarType.Int64, device).unsqueeze(0),
                null, null, null, newKeys, newValues);
            var logits = model.Head(x[.., -1]);
            var mine = ones(1, prompt.Length, ScalarType.Bool, device);
            if (keys is null) SetCache(newKeys, newValues, mine);
            else
            {
                var width = Math.Max(owned!.shape[1], prompt.Length);
                Tensor Widen(Tensor t, int dim)   // zeros (not owned) after the columns it has
                {
                    if (t.shape[dim] == width) return t;
                    var shape = t.shape.ToArray();
                    shape[dim] = width - t.shape[dim];
                    return cat([t, zeros(shape, t.dtype, device)], dim);
                }
                SetCache(
                    keys.Select((k, i) => cat([Widen(k, 2), Widen(newKeys[i], 2)], 0)).ToArray(),
                    values!.Select((v, i) => cat([Widen(v, 2), Widen(newValues[i], 2)], 0)).ToArray(),
                    cat([Widen(owned, 1), Widen(mine, 1)], 0));
            }
            cached.Add(row);
            return PerRow([row], logits)[row];
        }

        private void ToWindow(int row)
        {
            windowed.Add(row);
            window.Add(row, tokens[row].Select(t => (int)t).ToList());
        }

        /// <summary>Cuts a row out of the cache, and the columns no row owns any more.</summary>
        private void RemoveCached(int row)
        {
            var at = cached.IndexOf(row);
            if (at < 0) return;
            cached.RemoveAt(at);
            if (cached.Count == 0)
            {
                SetCache(null, null, null);
                return;
            }
            using var scope = NewDisposeScope();
            var rows = tensor(Enumerable.Range(0, cached.Count + 1).Where(i => i != at).Select(i => (long)i).ToArray()).to(device);
            var owns = owned!.index_select(0, rows);
            var columns = owns.any(0).nonzero().squeeze(1);
            Tensor Keep(Tensor t) => t.index_select(0, rows).index_select(2, columns);
            SetCache(keys!.Select(Keep).ToArray(), values!.Select(Keep).ToArray(), owns.index_select(1, columns));
        }

        /// <summary>Keeps the new cache past the caller's dispose scope and frees the old one.</summary>
        private void SetCache(Tensor[]? newKeys, Tensor[]? newValues, Tensor? newOwned)
        {
            var old = (keys ?? []).Concat(values ?? []).Append(owned).ToList();
            keys = newKeys?.Select(t => t.DetachFromDisposeScope()).ToArray();
            values = newValues?.Select(t => t.DetachFromDisposeScope()).ToArray();
            owned = newOwned?.DetachFromDisposeScope();
            var kept = new HashSet<Tensor>((keys ?? []).Concat(values ?? []).Append(owned).OfType<Tensor>(), ReferenceEqualityComparer.Instance);
            foreach (var t in old) if (t is not null && !kept.Contains(t)) t.Dispose();
        }
    }
}

internal sealed partial class Block
{
    /// <summary>The block over new tokens given past keys and values (see <see cref="CausalSelfAttention.forward(Tensor, Tensor?, Tensor?, Tensor?, out Tensor, out Tensor)"/>).</summary>
    public Tensor forward(Tensor x, Tensor? pastKeys, Tensor? pastValues, Tensor? mask, out Tensor keys, out Tensor values)
    {
        x = x + attention.forward(attention_norm.forward(x), pastKeys, pastValues, mask, out keys, out values);
        return x + mlp.forward(mlp_norm.forward(x));
    }
}

internal sealed partial class CausalSelfAttention
{
    /// <summary>
    /// Attention of new tokens [B, T, d]: without past keys, causal over themselves (a prompt); with them, each new
    /// token attends to the past keys its row owns (<paramref name="mask"/> [B, 1, 1, S + T], true = attend) and
    /// itself. Returns the keys and values with these tokens' appended.
    /// </summary>
    public Tensor forward(Tensor x, Tensor? pastKeys, Tensor? pastValues, Tensor? mask, out Tensor keys, out Tensor values)
    {
        var (b, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = query_key_value.forward(x).split(d, dim: 2);
        Tensor Heads(Tensor m) => m.view(b, t, _heads, d / _heads).transpose(1, 2);
        keys = pastKeys is null ? Heads(qkv[1]) : cat([pastKeys, Heads(qkv[1])], 2);
        values = pastValues is null ? Heads(qkv[2]) : cat([pastValues, Heads(qkv[2])], 2);
        var y = mask is null
            ? scaled_dot_product_attention(Heads(qkv[0]), keys, values, is_casual: true)
            : scaled_dot_product_attention(Heads(qkv[0]), keys, values, attn_mask: mask);
        return projection.forward(y.transpose(1, 2).contiguous().view(b, t, d));
    }
}
