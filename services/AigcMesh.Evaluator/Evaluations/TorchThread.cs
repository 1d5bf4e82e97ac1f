namespace AigcMesh.Evaluator.Evaluations;

/// <summary>
/// Runs TorchSharp work on a dedicated thread (dispose scopes are per thread, so the work never crosses an await),
/// one job at a time per process so two evaluations do not fight over the cores and memory.
/// </summary>
public sealed class TorchThread
{
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<T> RunAsync<T>(Func<CancellationToken, T> work, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    done.SetResult(work(cancellationToken));
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            })
            { IsBackground = true, Name = "evaluator-torch" };
            thread.Start();
            return await done.Task;
        }
        finally
        {
            gate.Release();
        }
    }
}
