using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Dataset.Data;

/// <summary>The dataset service's own database (a Sqlite file in its data directory).</summary>
public sealed class DatasetDbContext(DbContextOptions<DatasetDbContext> options) : DbContext(options)
{
}
