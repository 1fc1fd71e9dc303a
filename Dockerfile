# The hub's `run` in a container. Not built on the project's reference machines (no Docker engine there).
#   docker build -t chuyendoiso-hub .
#   docker run -p 5080:5080 -v hub-data:/var/lib/chuyendoiso \
#     -e Hub__Transport=RabbitMq -e Hub__RabbitMq__Uri=amqp://hub:secret@rabbitmq:5672/chuyendoiso \
#     -e Hub__Http__Operator__User=operator -e Hub__Http__Operator__Password=… chuyendoiso-hub
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so a code change does not download the packages again.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Contracts/Contracts.csproj src/Contracts/
COPY src/Reporting/Reporting.csproj src/Reporting/
COPY src/Workers/Workers.csproj src/Workers/
RUN dotnet restore src/Workers/Workers.csproj
COPY src/ src/
COPY seeds/ seeds/
RUN dotnet publish src/Workers/Workers.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /var/lib/chuyendoiso
COPY --from=build /app /app
RUN mkdir -p /var/lib/chuyendoiso/data && chown -R app:app /var/lib/chuyendoiso
USER app
# Published port: the container's loopback is not reachable from outside, so the hub listens on all interfaces here,
# and therefore refuses to start until the operator's credentials are given (Hub__Http__Operator__User/Password).
# DOTNET_GCgen0size: a 64 MB gen-0 budget, ~20-30 % less CPU per update ingested (README "Figures").
ENV Hub__Data=/var/lib/chuyendoiso/data \
    Hub__Http__Urls=http://0.0.0.0:5080 \
    DOTNET_GCgen0size=0x4000000
EXPOSE 5080
VOLUME /var/lib/chuyendoiso
ENTRYPOINT ["dotnet", "/app/ChuyenDoiSo.Workers.dll"]
CMD ["run"]
