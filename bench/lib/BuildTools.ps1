# Builds the bench's console programs (the Graph SDK peer and the chart maker) into out/bench/.

function Build-BenchTools([string] $RepoRoot) {
    $paths = @{}
    foreach ($name in 'GraphSdkPeer', 'Chart') {
        $output = Join-Path $RepoRoot "out/bench/$name"
        $project = Join-Path $RepoRoot "bench/$name/$name.csproj"
        $paths[$name] = Join-Path $output "$name.dll"
        # dotnet build costs seconds even when nothing changed: skip it when the program is
        # newer than every source of it (its folder and bench/Directory.Build.props).
        $sources = @(Get-ChildItem -LiteralPath (Split-Path $project) -File) + @(Get-Item -LiteralPath (Join-Path $RepoRoot 'bench/Directory.Build.props'))
        $newest = ($sources | Measure-Object LastWriteTimeUtc -Maximum).Maximum
        if ((Test-Path -LiteralPath $paths[$name]) -and (Get-Item -LiteralPath $paths[$name]).LastWriteTimeUtc -gt $newest) {
            Write-Host "  $name is up to date ($($paths[$name]))" -ForegroundColor DarkGray
            continue
        }
        Write-Host "  dotnet build $name -> $output" -ForegroundColor DarkGray
        $log = & dotnet build $project -c Release -o $output --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { throw "dotnet build $name failed:`n$($log -join "`n")" }
    }
    $paths
}
