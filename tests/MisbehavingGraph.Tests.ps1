# A Graph that misbehaves the way real networks, proxies and services do (issue "one attempt
# engine"), driven through Revoke-EntraUserAllRefreshToken against graph-emulator's misbehaviour
# switches: tokens Graph stops accepting mid-run, redirects to another origin, escape sequences
# in error messages, oversized and trickling bodies, a hung server, and Dev Proxy's per-workload
# throttling of a tenant that is already throttled. Every input ends with exactly one outcome
# and nothing is reported revoked that Graph did not revoke. No test bounds wall-clock time;
# they count requests, outcomes and bytes.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $CommandId = 'Microsoft.Graph.Entra.Rs.Cmdlets.RevokeEntraUserAllRefreshTokenCommand'
    $Elsewhere = Start-GraphEmulator
    $Emulator = Start-GraphEmulator -Users 300
    $EnvironmentName = Add-GraphEmulatorEnvironment -Name 'MisbehavingGraph' -Emulator $Emulator
    $Tenant = Get-GraphEmulatorTenantId
    $Secret = 'misbehaving-graph-secret'

    function Get-Upn([int] $Index) { 'user{0:D6}@contoso.com' -f $Index }
    function Connect-WithToken([int] $ClientTimeout = 100) {
        $token = ConvertTo-SecureString $Emulator.Token -AsPlainText -Force
        Connect-Entra -Environment $EnvironmentName -AccessToken $token -ClientTimeout $ClientTimeout -NoWelcome
    }
    function Invoke-Revoke([object[]] $UserIds, [hashtable] $Parameters = @{}) {
        $errors = $null
        $results = $UserIds | Revoke-EntraUserAllRefreshToken @Parameters -ErrorAction SilentlyContinue -ErrorVariable errors
        @{ Results = @($results); Errors = @($errors) }
    }
    function Invoke-EmulatorControlPost([string] $Path, [hashtable] $Body) {
        Invoke-RestMethod -Method Post -Uri "$($Emulator.Url)$Path" -Body ($Body | ConvertTo-Json -Compress) -ContentType 'application/json' | Out-Null
    }
    function Test-ControlFree([string] $Text) { -not ($Text -match '[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]') }
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
    Stop-GraphEmulator $Elsewhere
}

Describe 'Revoke-EntraUserAllRefreshToken against a Graph that misbehaves' {
    BeforeEach {
        Reset-GraphEmulator -Emulator $Emulator
        Reset-GraphEmulator -Emulator $Elsewhere
        Disconnect-Entra
    }

    It 'renews every token Graph stops accepting mid-run and loses no user' {
        $clientId = [guid]::NewGuid().ToString()
        Register-GraphEmulatorApp -ClientId $clientId -Secret $Secret -Roles User.RevokeSessions.All | Out-Null
        Connect-Entra -Environment $EnvironmentName -TenantId $Tenant -NoWelcome `
            -ClientSecretCredential ([pscredential]::new($clientId, (ConvertTo-SecureString $Secret -AsPlainText -Force)))
        # Each issued token is refused 1 s after issue (CAE revocation, key rollover); at 40 ms a
        # request and 4 at a time, 300 users outlive several tokens.
        Set-GraphEmulatorFault @{ rejectIssuedTokensAfterSeconds = 1; latencyMs = 40 } | Out-Null
        $users = @(1..300 | ForEach-Object { Get-Upn $_ })

        $run = Invoke-Revoke $users @{ ThrottleLimit = 4 }

        $run.Errors | Should -BeNullOrEmpty
        $run.Results.Count | Should -Be 300
        @($run.Results.UserId | Sort-Object -Unique).Count | Should -Be 300
        $stats = Get-GraphEmulatorStat
        $stats.revokedUsers | Should -Be 300
        $rejections = [int]$stats.byStatus.'401'
        $rejections | Should -BeGreaterThan 0 -Because 'Graph refused tokens during the run'
        $tokenRequests = @(Get-GraphEmulatorSignIn | Where-Object endpoint -eq 'token').Count
        # The sign-in, then one renewal per refused token: each renewal is shared by the (at most
        # 4) requests that saw the same token refused, and none is asked for without a refusal.
        $tokenRequests | Should -BeGreaterThan 2
        $tokenRequests | Should -BeLessOrEqual ($rejections + 1)
    }

    It 'does not follow a redirect to another origin: each user gets an error naming the status and host, nothing is reported revoked' {
        Connect-WithToken
        Set-GraphEmulatorFault @{ redirectTo = $Elsewhere.Url } | Out-Null
        $users = @(1..10 | ForEach-Object { Get-Upn $_ })

        $single = Invoke-Revoke $users
        $batched = Invoke-Revoke $users @{ UseBatch = $true }

        foreach ($run in $single, $batched) {
            $run.Results | Should -BeNullOrEmpty
            $run.Errors.Count | Should -Be 10
            @($run.Errors.TargetObject | Sort-Object) | Should -Be @($users | Sort-Object)
            foreach ($e in $run.Errors) {
                $e.Exception.Message | Should -Match 'HTTP 307'
                $e.Exception.Message | Should -Match "host '127\.0\.0\.1'"
                $e.Exception.Message | Should -Match 'not followed'
            }
        }
        (Get-GraphEmulatorStat -Emulator $Elsewhere).totalRequests | Should -Be 0 -Because 'the redirect target never heard from us'
        (Get-GraphEmulatorStat).revokedUsers | Should -Be 0
    }

    It 'cleans escape sequences out of Graph''s error messages before they reach any stream' {
        Connect-WithToken
        Set-GraphEmulatorFault @{ hostileErrorText = $true } | Out-Null

        $run = Invoke-Revoke @('nobody@contoso.com', (Get-Upn 1)) @{ Verbose = $true }

        $run.Results.Count | Should -Be 1
        $run.Errors.Count | Should -Be 1
        $message = $run.Errors[0].Exception.Message
        $message | Should -Match 'nobody@contoso\.com'
        Test-ControlFree $message | Should -BeTrue -Because "the message was $([regex]::Escape($message))"
        Test-ControlFree $run.Errors[0].ToString() | Should -BeTrue
        Test-ControlFree $run.Errors[0].Exception.Code | Should -BeTrue
    }

    It 'reads no more than a bound of an oversized answer, fails that request clearly and keeps memory flat' {
        $job = Start-Job -ScriptBlock {
            param($Manifest, $Url, $Token)
            Import-Module $Manifest
            Add-EntraEnvironment -Name Oversized -GraphEndpoint $Url -AzureADEndpoint $Url | Out-Null
            Connect-Entra -Environment Oversized -AccessToken (ConvertTo-SecureString $Token -AsPlainText -Force) -NoWelcome
            $process = [System.Diagnostics.Process]::GetCurrentProcess()
            $process.Refresh()
            $before = $process.PeakWorkingSet64
            $errors = $null
            $results = 'user000001@contoso.com', 'user000002@contoso.com', 'user000003@contoso.com' |
                Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors
            $process.Refresh()
            [pscustomobject]@{ Results = @($results).Count; Errors = @($errors | ForEach-Object { "$($_.FullyQualifiedErrorId)|$($_.Exception.Message)" }); Grew = $process.PeakWorkingSet64 - $before }
        } -ArgumentList (Join-Path $PSScriptRoot '..' 'Microsoft.Graph.Entra.Rs.psd1'), $Emulator.Url, $Emulator.Token
        Set-GraphEmulatorFault @{ oversizedBodyBytes = 64MB } | Out-Null

        $outcome = $job | Receive-Job -Wait -AutoRemoveJob

        $outcome.Results | Should -Be 0 -Because 'an answer that could not be read is not a revocation Graph confirmed'
        $outcome.Errors.Count | Should -Be 3
        foreach ($e in $outcome.Errors) { $e | Should -Match '^GraphError,.*larger than 1024 KiB' }
        # Three 64 MiB answers read whole would raise the peak by at least 192 MiB.
        $outcome.Grew | Should -BeLessThan 64MB
    }

    It 'gives up on a body that trickles slower than -ClientTimeout with one error, not a hang' {
        Connect-WithToken -ClientTimeout 2
        Set-GraphEmulatorFault @{ trickleBytesPerSecond = 1 } | Out-Null

        $run = Invoke-Revoke @(Get-Upn 1) @{ MaxRetry = 0 }

        $run.Results | Should -BeNullOrEmpty
        $run.Errors.Count | Should -Be 1
        $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "GraphUnavailable,$CommandId"
    }

    It 'holds a run behind one probe when Graph answers nobody, and ends each user once naming the outage' {
        Connect-WithToken -ClientTimeout 1
        Set-GraphEmulatorFault @{ hang = $true } | Out-Null
        $users = @(1..20 | ForEach-Object { Get-Upn $_ })

        $run = Invoke-Revoke $users @{ MaxRetry = 2 }

        $run.Results | Should -BeNullOrEmpty
        $run.Errors.Count | Should -Be 20
        @($run.Errors.TargetObject | Sort-Object) | Should -Be @($users | Sort-Object)
        $run.Errors | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeExactly "GraphUnavailable,$CommandId" }
        @($run.Errors | Where-Object { $_.Exception.Message -match 'unreachable for everyone' }).Count | Should -BeGreaterOrEqual 12
        # 20 users spending 3 attempts each would be 60 requests into a hung server.
        (Get-GraphEmulatorStat).totalRequests | Should -BeLessOrEqual 16
    }

    It 'loses nobody in a batched run under Graph''s write quota (20 a second, every $batch item counted)' {
        Connect-WithToken
        Set-GraphEmulatorFault @{ rateLimitPerSecond = 20; rateLimitBurst = 20 } | Out-Null
        $users = @(1..300 | ForEach-Object { Get-Upn $_ })

        $run = Invoke-Revoke $users @{ UseBatch = $true }

        $run.Errors | Should -BeNullOrEmpty -Because 'before the gate paced items, a batched run lost users to exhausted retries'
        $run.Results.Count | Should -Be 300
        $stats = Get-GraphEmulatorStat
        $stats.revokedUsers | Should -Be 300
        $stats.earlyRetries | Should -Be 0
    }

    It 'sends only the opening window into a tenant that is already throttled (Dev Proxy per-workload throttling)' {
        Connect-WithToken
        Set-GraphEmulatorFault @{ workloadThrottling = $true } | Out-Null
        Invoke-EmulatorControlPost '/_emulator/throttle' @{ seconds = 2 }
        $users = @(1..60 | ForEach-Object { Get-Upn $_ })

        $run = Invoke-Revoke $users

        $run.Errors | Should -BeNullOrEmpty
        $run.Results.Count | Should -Be 60
        $stats = Get-GraphEmulatorStat
        $stats.throttledWindowRequests | Should -BeLessOrEqual 4 -Because 'the run opens with 4 requests and the first 429 closes the gate for everyone'
        $stats.earlyRetries | Should -Be 0
    }
}

