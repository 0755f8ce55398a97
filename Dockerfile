# The self-hosted Approvals host (src/Approvals.Host: API + the Durable runtime in process) as a Linux container
# listening on port 8080. The serverless host (src/Approvals.Functions) is deployed as a zip, not an image.
#   docker build -t approvals .                      (a machine with a Docker engine)
#   az acr build -r <registry> -t approvals:<tag> .  (no local engine needed; see infra/README.md)
# Build stage: the SDK global.json asks for; runtime stage: ASP.NET Core on Debian 13 slim (not chiselled: the e-licence
# PDF needs a CJK font file, and chiselled images have no package manager to install one).

ARG SDK_VERSION=10.0.401
ARG RUNTIME_TAG=10.0-trixie-slim

FROM mcr.microsoft.com/dotnet/sdk:${SDK_VERSION} AS build
WORKDIR /repo
# Build settings first (analyzer severities live in .editorconfig: without it warnings-as-errors fails the build),
# then the project files, so that the restore layer is reused while only code changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Directory.Build.props src/
COPY src/Approvals.Licensing/Approvals.Licensing.csproj src/Approvals.Licensing/
COPY src/Approvals.Pipeline/Approvals.Pipeline.csproj src/Approvals.Pipeline/
COPY src/Approvals.Host/Approvals.Host.csproj src/Approvals.Host/
RUN dotnet restore src/Approvals.Host/Approvals.Host.csproj
COPY src/ src/
RUN dotnet publish src/Approvals.Host/Approvals.Host.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${RUNTIME_TAG} AS runtime
# Noto Sans CJK for the e-licence PDF. SkiaSharp's NoDependencies build has no fontconfig, so CjkFont looks for
# *CJK* files under /usr/share/fonts itself; only the regular sans face is drawn (bold is synthesised), so the
# package's bold and serif files (about 65 MB) are removed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -f /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc /usr/share/fonts/opentype/noto/NotoSerifCJK-*.ttc \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# The image's non-root user (uid 1654); the app writes nothing under /app.
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
ENTRYPOINT ["dotnet", "Approvals.Host.dll"]
