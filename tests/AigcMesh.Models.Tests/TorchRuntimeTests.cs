using static TorchSharp.torch;

namespace AigcMesh.Models.Tests;

public sealed class TorchRuntimeTests
{
    /// <summary>
    /// Modules built on another thread at the same time (a generator loading a model while a trainer starts, in the
    /// embedded process; parallel test classes) do not draw from the global generator between a seed and its build.
    /// Without the lock a third to a half of these builds get other weights.
    /// </summary>
    [Fact]
    public async Task A_seeded_build_is_not_disturbed_by_modules_built_on_other_threads()
    {
        static byte[] Build() => TorchRuntime.Seeded(5, () =>
        {
            using var layer = nn.Linear(64, 64);
            return layer.weight!.data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray();
        });
        var expected = Build();

        using var stop = new CancellationTokenSource();
        using var started = new CountdownEvent(2);
        var others = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            started.Signal();
            while (!stop.IsCancellationRequested)
                TorchRuntime.Unseeded(() => nn.Linear(64, 64)).Dispose();
        })).ToArray();
        try
        {
            Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
            var disturbed = Enumerable.Range(0, 300).Count(_ => !expected.SequenceEqual(Build()));
            Assert.Equal(0, disturbed);
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(others);
        }
    }
}
