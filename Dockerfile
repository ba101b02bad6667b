# One image for every Node service of the product (messages, stream, web) and for the
# one-shot migration; docker-compose.yml picks the command.

# Build stage: all dependencies, to bundle the frontend with Vite.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# The root package's postinstall generates the Prisma client: it needs these first.
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:web

# Runtime stage: production dependencies only (tsx runs the TypeScript sources).
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
COPY package.json package-lock.json tsconfig.json ./
COPY scripts ./scripts
COPY prisma ./prisma
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY libs ./libs
COPY services ./services
COPY --from=build /app/services/web/dist ./services/web/dist
USER node
# Run node itself, not npm, so SIGTERM reaches the service and it shuts down gracefully.
CMD ["node", "--import", "tsx", "services/web/src/main.ts"]
