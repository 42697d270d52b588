# Start-up costs: Import-Module in a warm and a fresh pwsh beside an empty module, and the time
# from starting a fresh process to the first revocation answered, per tool.

function Measure-ImportMilliseconds {
    # Import-Module $Path in $Runs fresh pwsh processes; the first is a warm-up and dropped.
    # Warm: the shell has been used first (a listing formatted), as an admin's shell is when
    # they import the module; otherwise the import also pays pwsh's own first-use costs.
    param([string] $Pwsh, [string] $Path, [int] $Runs, [switch] $Warm)
    $warmUp = $Warm ? '$null = Get-ChildItem $PSHOME | Out-String; $null = Get-Date | Format-List | Out-String; ' : ''
    $command = $warmUp + "[math]::Round((Measure-Command { Import-Module '$($Path.Replace("'", "''"))' -ErrorAction Stop }).TotalMilliseconds, 2)"
    $times = foreach ($i in 0..$Runs) {
        Add-LoadSample
        $value = & $Pwsh -NoProfile -NonInteractive -Command $command
        if ($LASTEXITCODE -ne 0) { throw "Importing $Path failed: $value" }
        if ($i -gt 0) { [double]($value | Select-Object -Last 1) }
    }
    Get-Summary @($times)
}

function Measure-ImportTime {
    # Our module and an empty manifest module, each in a warm and in a fresh pwsh.
    param([string] $Pwsh, [string] $Manifest, [int] $Runs)
    $dir = Join-Path ([System.IO.Path]::GetTempPath()) "entra-bench-import-$PID"
    $empty = Join-Path $dir 'EmptyBench/EmptyBench.psd1'
    New-Item -ItemType Directory -Force -Path (Split-Path $empty) | Out-Null
    Set-Content -LiteralPath $empty -Value "@{ ModuleVersion = '1.0.0' }" -Encoding utf8
    try {
        [ordered]@{
            'Microsoft.Graph.Entra.Rs, warm pwsh' = Measure-ImportMilliseconds $Pwsh $Manifest $Runs -Warm
            'empty manifest module, warm pwsh'    = Measure-ImportMilliseconds $Pwsh $empty $Runs -Warm
            'Microsoft.Graph.Entra.Rs, fresh pwsh' = Measure-ImportMilliseconds $Pwsh $Manifest $Runs
            'empty manifest module, fresh pwsh'   = Measure-ImportMilliseconds $Pwsh $empty $Runs
        }
    }
    finally { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction Ignore }
}

function Measure-FirstRevocation {
    # Milliseconds from starting a fresh process to the first revocation answered (the process
    # prints 'ANSWERED <UTC ticks>' right after the answer; the clock is the machine's).
    # Medians of $Runs, after one warm-up of each (disk cache).
    param([string] $Pwsh, [string] $Manifest, [string] $GraphSdkPeer, [psobject] $Emulator, [int] $Runs)
    $url = $Emulator.Url
    $token = $Emulator.Token
    $user = 'user000001@contoso.com'
    $done = "[Console]::Out.WriteLine('ANSWERED ' + [DateTime]::UtcNow.Ticks)"
    $module = "Import-Module '$Manifest'; Add-EntraEnvironment -Name First -GraphEndpoint '$url' -AzureADEndpoint '$url' | Out-Null; " +
        "Connect-Entra -Environment First -AccessToken (ConvertTo-SecureString '$token' -AsPlainText -Force) -NoWelcome; " +
        "Revoke-EntraUserAllRefreshToken -UserId '$user' | Out-Null; $done"
    $irm = "Invoke-RestMethod -Method Post -Uri '$url/v1.0/users/$user/revokeSignInSessions' -Headers @{ Authorization = 'Bearer $token' } | Out-Null; $done"
    $commands = [ordered]@{
        'Entra.Rs (pwsh: Import-Module, Connect-Entra, Revoke-EntraUserAllRefreshToken)' = @($Pwsh, '-NoProfile', '-NonInteractive', '-Command', $module)
        'Invoke-RestMethod (pwsh)'                                                     = @($Pwsh, '-NoProfile', '-NonInteractive', '-Command', $irm)
        'Graph .NET SDK (dotnet GraphSdkPeer.dll, new GraphServiceClient)'             = @('dotnet', $GraphSdkPeer, '--url', $url, '--token', $token, '--once', $user)
        'pwsh alone, no request (baseline)'                                            = @($Pwsh, '-NoProfile', '-NonInteractive', '-Command', $done)
    }
    $result = [ordered]@{}
    foreach ($name in $commands.Keys) {
        $command = $commands[$name]
        $times = foreach ($i in 0..$Runs) {
            Add-LoadSample
            Reset-GraphEmulator
            $start = [DateTime]::UtcNow.Ticks
            $output = & $command[0] @($command | Select-Object -Skip 1)
            if ($LASTEXITCODE -ne 0) { throw "$name failed: $output" }
            $answered = @($output | Where-Object { $_ -match '^ANSWERED (\d+)$' })
            if (-not $answered) { throw "$name printed no ANSWERED line: $output" }
            if ($i -gt 0) { ([long]($answered[-1] -replace '^ANSWERED ') - $start) / 10000.0 }
        }
        $result[$name] = Get-Summary @($times)
    }
    $result
}
