using AigcMesh.Contracts.Datasets;
using AigcMesh.Dataset.Importing;
using MassTransit;

namespace AigcMesh.Dataset.Consumers;

/// <summary>Imports a data set (queue "import-dataset") and publishes its progress and how it ended.</summary>
public sealed class ImportDatasetConsumer(DatasetImportService imports) : IConsumer<ImportDataset>
{
    public async Task Consume(ConsumeContext<ImportDataset> context)
    {
        var command = context.Message;
        var outcome = await imports.RunAsync(
            command,
            p => context.Publish(new DatasetImportProgressed(command.CorrelationId, command.ImportId, p.Stage, p.ItemsDone, p.ItemsTotal)),
            context.CancellationToken);
        if (outcome.Dataset is { } dataset)
        {
            await context.Publish(new DatasetImported(
                command.CorrelationId, command.ImportId, dataset.Id, dataset.Name, dataset.Modality,
                dataset.TrainCount, dataset.ValidationCount, dataset.TestCount, dataset.ClassCount, outcome.Job.AlreadyExisted));
        }
        else
        {
            await context.Publish(new DatasetImportFailed(command.CorrelationId, command.ImportId, command.Name, outcome.Job.Error ?? "The import failed."));
        }
    }
}

/// <summary>
/// The import queue's settings: how many imports (CPU-bound) one instance runs at once. The queue is named by the
/// bus's kebab-case formatter: "import-dataset" (a test may add a prefix).
/// </summary>
public sealed class ImportDatasetConsumerDefinition : ConsumerDefinition<ImportDatasetConsumer>
{
    public ImportDatasetConsumerDefinition(DatasetOptions options) => ConcurrentMessageLimit = Math.Max(1, options.MaxConcurrentImports);
}
