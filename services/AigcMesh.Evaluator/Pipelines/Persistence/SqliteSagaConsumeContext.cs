using MassTransit;
using MassTransit.Context;
using MassTransit.Saga;
using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Evaluator.Pipelines.Persistence;

/// <summary>The consume context a state machine sees: the message plus the saga instance loaded for it.</summary>
public sealed class SqliteSagaConsumeContext<TSaga, TMessage>(ConsumeContext<TMessage> context, TSaga instance)
    : ConsumeContextScope<TMessage>(context), SagaConsumeContext<TSaga, TMessage>
    where TSaga : class, ISaga
    where TMessage : class
{
    public TSaga Saga { get; } = instance;

    public bool IsCompleted { get; private set; }

    public Task SetCompleted()
    {
        IsCompleted = true;
        return Task.CompletedTask;
    }
}

public sealed class SqliteSagaConsumeContextFactory<TSaga, TDbContext> : ISagaConsumeContextFactory<TDbContext, TSaga>
    where TSaga : class, ISaga
    where TDbContext : DbContext
{
    public Task<SagaConsumeContext<TSaga, T>> CreateSagaConsumeContext<T>(TDbContext context, ConsumeContext<T> consumeContext, TSaga instance, SagaConsumeContextMode mode)
        where T : class =>
        Task.FromResult<SagaConsumeContext<TSaga, T>>(new SqliteSagaConsumeContext<TSaga, T>(consumeContext, instance));
}
