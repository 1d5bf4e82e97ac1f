using MassTransit;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Evaluator.Pipelines.Persistence;

/// <summary>
/// A MassTransit saga repository on an EF Core context (here a Sqlite file), written because the mirror does not
/// serve MassTransit.EntityFrameworkCore. One context per consumed message; the saga row is loaded, changed by
/// the state machine and saved with optimistic concurrency (<see cref="ISagaVersion.Version"/> is the
/// concurrency token), so two copies of the service that race on one instance make one of them retry.
/// </summary>
public sealed class SqliteSagaRepositoryContextFactory<TSaga, TDbContext>(
    IDbContextFactory<TDbContext> databases,
    ISagaConsumeContextFactory<TDbContext, TSaga> consumeContexts)
    : ISagaRepositoryContextFactory<TSaga>, IQuerySagaRepositoryContextFactory<TSaga>, ILoadSagaRepositoryContextFactory<TSaga>
    where TSaga : class, ISagaVersion
    where TDbContext : DbContext
{
    public void Probe(ProbeContext context) => context.Add("persistence", "sqlite");

    public async Task Send<T>(ConsumeContext<T> context, IPipe<SagaRepositoryContext<TSaga, T>> next)
        where T : class
    {
        await using var db = await databases.CreateDbContextAsync(context.CancellationToken);
        var repository = new SqliteSagaRepositoryContext<TSaga, T, TDbContext>(db, context, consumeContexts);
        await next.Send(repository);
    }

    public async Task SendQuery<T>(ConsumeContext<T> context, ISagaQuery<TSaga> query, IPipe<SagaRepositoryQueryContext<TSaga, T>> next)
        where T : class
    {
        await using var db = await databases.CreateDbContextAsync(context.CancellationToken);
        var ids = await db.Set<TSaga>().AsNoTracking().Where(query.FilterExpression).Select(x => x.CorrelationId).ToListAsync(context.CancellationToken);
        var repository = new SqliteSagaRepositoryContext<TSaga, T, TDbContext>(db, context, consumeContexts);
        await next.Send(new DefaultSagaRepositoryQueryContext<TSaga, T>(repository, ids));
    }

    public async Task<T> Execute<T>(Func<LoadSagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await asyncMethod(new SqliteSagaReadContext<TSaga, TDbContext>(db, cancellationToken));
    }

    public async Task<T> Execute<T>(Func<QuerySagaRepositoryContext<TSaga>, Task<T>> asyncMethod, CancellationToken cancellationToken = default)
        where T : class
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await asyncMethod(new SqliteSagaReadContext<TSaga, TDbContext>(db, cancellationToken));
    }
}
