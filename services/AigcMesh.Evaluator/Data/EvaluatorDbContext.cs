using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Evaluator.Data;

/// <summary>The evaluator service's own database (a Sqlite file in its data directory).</summary>
public sealed class EvaluatorDbContext(DbContextOptions<EvaluatorDbContext> options) : DbContext(options)
{
}
