using Microsoft.EntityFrameworkCore;

namespace AigcMesh.Generator.Data;

/// <summary>The generator service's own database (a Sqlite file in its data directory).</summary>
public sealed class GeneratorDbContext(DbContextOptions<GeneratorDbContext> options) : DbContext(options)
{
}
