# Builds the bench's console programs (the Graph SDK peer and the chart maker) into out/bench/.

function Build-BenchTools([string] $RepoRoot) {
    $paths = @{}
    foreach ($name in 'GraphSdkPeer', 'Chart') {
        $output = Join-Path $RepoRoot "out/bench/$name"
        $project = Join-Path $RepoRoot "bench/$name/$name.csproj"
        Write-Host "  dotnet build $name -> $output" -ForegroundColor DarkGray
        $log = & dotnet build $project -c Release -o $output --nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { throw "dotnet build $name failed:`n$($log -join "`n")" }
        $paths[$name] = Join-Path $output "$name.dll"
    }
    $paths
}
