using System.Diagnostics;
using AigcMesh.Contracts.Training;
using AigcMesh.Models;
using AigcMesh.Storage;

namespace AigcMesh.Benchmarks.Generator;

/// <summary>The image model timed alone in-process: what batching can gain before any service cost.</summary>
internal static class ModelAloneTimings
{
    /// <summary>
    /// The DCGAN alone in-process, on this thread: the forward pass per image at batch 1 and 64 with 1 and 2 torch
    /// threads, in wall time and in the process's CPU time (the model's own ceiling for what batching can gain on these
    /// cores; CPU time is what the other engineers' load does not inflate), the output layer as oneDNN's
    /// ConvTranspose2d and as the GEMM + col2im the model now uses, the latents and PNG encoding per image.
    /// Returns the forward ms per image at batch 1 and 64 (wall, libtorch's default threads).
    /// </summary>
    internal static (double Batch1, double Batch64) ModelAlone(ArtifactStore store, ModelRegistered dcgan)
    {
        using var weights = store.OpenRead(ArtifactId.Parse(dcgan.CheckpointArtifactId));
        using var model = ModelFamilies.LoadImageModel(dcgan.Family, dcgan.Config, weights);
        var latents = Enumerable.Range(0, 64).Select(i => model.Latent(i)).ToList();
        var one = latents.Take(1).ToList();
        model.GenerateFromLatents(latents);
        var defaultThreads = TorchSharp.torch.get_num_threads();
        var result = (Batch1: 0.0, Batch64: 0.0);
        foreach (var threads in new[] { 1, 2 }.Append(defaultThreads).Distinct())
        {
            TorchSharp.torch.set_num_threads(threads);
            var single = Timed(() => model.GenerateFromLatents(one), 64);
            var batch = Timed(() => model.GenerateFromLatents(latents), 2);
            Console.WriteLine($"DCGAN alone, {threads} torch thread(s) (best of 5): forward per image at batch 1 {single.Wall:F3} ms wall ({single.Cpu:F3} ms CPU), at batch 64 {batch.Wall / 64:F3} ms wall ({batch.Cpu / 64:F3} ms CPU): the model's own batching ceiling {single.Wall / (batch.Wall / 64):F2}x wall, {single.Cpu / (batch.Cpu / 64):F2}x CPU");
            if (threads == defaultThreads) result = (single.Wall, batch.Wall / 64);
        }
        // The library runs the forward under no_grad; the same under inference mode (no version counters or views tracked).
        foreach (var threads in new[] { 1, 2 })
        {
            TorchSharp.torch.set_num_threads(threads);
            using var inference = TorchSharp.torch.inference_mode();
            var single = Timed(() => model.GenerateFromLatents(one), 64);
            var batch = Timed(() => model.GenerateFromLatents(latents), 2);
            Console.WriteLine($"DCGAN alone under inference_mode, {threads} torch thread(s): forward per image at batch 1 {single.Wall:F3} ms wall ({single.Cpu:F3} ms CPU), at batch 64 {batch.Wall / 64:F3} ms wall ({batch.Cpu / 64:F3} ms CPU)");
        }
        TorchSharp.torch.set_num_threads(defaultThreads);
        OutputLayerAlone();
        var draw = Timed(() => model.Latent(7), 256).Wall;
        var images = model.GenerateFromLatents(latents);
        var image = images.Slice(5);   // what a one-image request encodes
        var png = Timed(() => AigcMesh.Generator.Inference.PngCodec.EncodeAll(image), 256).Wall;
        var sixteen = images.Slice(0, 16);
        var png16 = Timed(() => AigcMesh.Generator.Inference.PngCodec.EncodeAll(sixteen), 16).Wall / 16;
        Console.WriteLine($"latent draw {draw * 1000:F0} us, PNG encode {png * 1000:F0} us per image (one-image request), {png16 * 1000:F0} us per image in a 16-image request");
        return result;
    }

    /// <summary>The DCGAN's output layer (64 -> 1 channels, 14x14 -> 28x28) as oneDNN's ConvTranspose2d and as GemmConvTranspose2d.</summary>
    internal static void OutputLayerAlone()
    {
        using var onednn = TorchSharp.torch.nn.ConvTranspose2d(64, 1, 4, stride: 2, padding: 1);
        using var gemm = new AigcMesh.Models.Families.GemmConvTranspose2d(64, 1, 4, 2, 1);
        using var grad = TorchSharp.torch.no_grad();
        var threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        foreach (var batch in new[] { 1, 64 })
        {
            using var input = TorchSharp.torch.randn(batch, 64, 14, 14);
            var a = Timed(() => onednn.forward(input).Dispose(), batch == 1 ? 256 : 16);
            var b = Timed(() => gemm.forward(input).Dispose(), batch == 1 ? 256 : 16);
            Console.WriteLine($"DCGAN output layer alone at batch {batch,2}, 1 torch thread: oneDNN ConvTranspose2d {a.Cpu * 1000 / batch:F0} us CPU per image, GEMM + col2im {b.Cpu * 1000 / batch:F0} us CPU per image ({a.Cpu / b.Cpu:F1}x less)");
        }
        TorchSharp.torch.set_num_threads(threads);
    }

    /// <summary>Best of 5 rounds of <paramref name="repeat"/> runs (after one warm-up): ms per run in wall time and in the process's CPU time.</summary>
    internal static (double Wall, double Cpu) Timed(Action run, int repeat)
    {
        run();
        var best = (Wall: double.MaxValue, Cpu: double.MaxValue);
        using var process = Process.GetCurrentProcess();
        for (var round = 0; round < 5; round++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            for (var i = 0; i < repeat; i++) run();
            var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds / repeat;
            process.Refresh();
            best = (Math.Min(best.Wall, wall), Math.Min(best.Cpu, (process.TotalProcessorTime - cpu).TotalMilliseconds / repeat));
        }
        return best;
    }
}
