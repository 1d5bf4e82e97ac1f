namespace AigcMesh.Generator;

/// <summary>The generator's settings: the "Generator" configuration section (environment: Generator__X).</summary>
public sealed class GeneratorOptions
{
    public const string Section = "Generator";

    /// <summary>Names this instance's own queues (its ModelRegistered subscription); defaults to the machine name.</summary>
    public string? InstanceName { get; set; }

    /// <summary>Queue the workers consume generation requests on (competing consumers across instances).</summary>
    public string GenerateQueue { get; set; } = "generate-content";

    /// <summary>
    /// This instance's ModelRegistered subscription. Replicas each need every registration, so with
    /// <see cref="InstanceName"/> set the queue is "{ModelRegisteredQueue}-{InstanceName}".
    /// </summary>
    public string ModelRegisteredQueue { get; set; } = "generator-model-registered";

    /// <summary>Run the worker side (consume "generate-content") in this instance.</summary>
    public bool Worker { get; set; } = true;

    /// <summary>Generation requests one worker handles at once (they wait in its batch queues).</summary>
    public int WorkerConcurrency { get; set; } = 128;

    /// <summary>Memory budget of the loaded-model cache (least recently used out), in bytes of weights.</summary>
    public long ModelCacheBytes { get; set; } = 512L << 20;

    /// <summary>How long a caller waits for a worker before it gets 503 with Retry-After.</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    public GenerationLimits Limits { get; set; } = new();

    /// <summary>"Default" plus overrides by model id or family name.</summary>
    public Dictionary<string, BatchingOptions> Batching { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public string WorkerId => InstanceName ?? Environment.MachineName;

    public BatchingOptions BatchingFor(Guid modelId, string family) =>
        Batching.GetValueOrDefault(modelId.ToString()) ?? Batching.GetValueOrDefault(family) ?? Batching.GetValueOrDefault("Default") ?? new BatchingOptions();
}

/// <summary>Bounds on what one request may ask for; breaking one is a 400 naming it.</summary>
public sealed class GenerationLimits
{
    public int MaxImages { get; set; } = 256;

    /// <summary>Image requests up to this count answer at once; larger ones become jobs.</summary>
    public int MaxSyncImages { get; set; } = 16;

    public int MaxNewTokens { get; set; } = 1024;

    /// <summary>Text requests up to this many new tokens answer at once; larger ones become jobs.</summary>
    public int MaxSyncTokens { get; set; } = 256;

    public int MaxPromptChars { get; set; } = 4000;
    public int MaxStopStrings { get; set; } = 8;
    public int MaxStopStringChars { get; set; } = 64;

    /// <summary>Largest uploaded image for reconstruction: bytes and pixels per side.</summary>
    public int MaxUploadBytes { get; set; } = 4 << 20;

    public int MaxUploadSide { get; set; } = 1024;

    /// <summary>Images or text requests waiting in one model's queue before new ones are refused with 503.</summary>
    public int MaxQueuedItems { get; set; } = 1024;
}

/// <summary>Dynamic batching of one model: at most <see cref="MaxBatchSize"/> images, waiting at most <see cref="MaxWaitMilliseconds"/> for more.</summary>
public sealed class BatchingOptions
{
    public int MaxBatchSize { get; set; } = 64;
    public double MaxWaitMilliseconds { get; set; } = 4;
}
