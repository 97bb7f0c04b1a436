import {
  defineSchema,
  enumType,
  inputType,
  mutation,
  query,
  type,
  type SchemaDefinition,
} from '../../src/index.ts';

/** FraiseQL's conformance/minimal.json, written with the authoring API. */
export function minimalSchema(): SchemaDefinition {
  const User = type('User', { sqlSource: 'v_user', fields: { id: 'ID!', email: 'String!' } });
  return defineSchema({
    types: [User],
    queries: [query('users', { returns: '[User!]!', sqlSource: 'v_user' })],
  });
}

/** FraiseQL's conformance/full.json, written with the authoring API. */
export function fullSchema(): SchemaDefinition {
  const User = type('User', {
    sqlSource: 'v_user',
    relay: true,
    fields: {
      id: 'ID!',
      email: 'String!',
      name: { type: 'String', description: 'The user\'s "display" name' },
      salary: { type: 'Float', requiresScope: 'read:User.salary' },
    },
  });
  const Order = type('Order', {
    sqlSource: 'v_order',
    fields: { id: 'ID!', total: 'Float!', status: 'String!' },
  });
  const UserNotFound = type('UserNotFound', {
    sqlSource: 'v_user_not_found',
    isError: true,
    fields: { message: 'String!', code: 'String!' },
  });
  const Document = type('Document', {
    sqlSource: 'v_document',
    fields: {
      id: 'ID!',
      embedding: {
        type: 'Vector!',
        vectorConfig: { dimensions: 1536, indexType: 'ivf_flat', distanceMetric: 'l2' },
      },
      fingerprint: {
        type: 'BitVector!',
        vectorConfig: { dimensions: 768, indexType: 'hnsw', distanceMetric: 'hamming' },
      },
      compact: {
        type: 'HalfVector',
        vectorConfig: { dimensions: 1536, indexType: 'hnsw', distanceMetric: 'inner_product' },
      },
      terms: {
        type: 'SparseVector',
        vectorConfig: { dimensions: 30000, indexType: 'none', distanceMetric: 'cosine' },
      },
      similarity: { type: 'Float!', vectorDistance: 'embedding' },
    },
  });
  return defineSchema({
    types: [User, Order, UserNotFound, Document],
    enums: [enumType('OrderStatus', ['PENDING', 'SHIPPED', 'CANCELLED'])],
    inputTypes: [inputType('CreateUserInput', { fields: { email: 'String!', name: 'String' } })],
    queries: [
      query('users', { returns: '[User!]!', sqlSource: 'v_user' }),
      query('user', { returns: 'User', sqlSource: 'v_user', args: { id: 'ID!' } }),
      query('tenantOrders', {
        returns: '[Order!]!',
        sqlSource: 'v_order',
        inject: { tenant_id: 'jwt:tenant_id' },
        cacheTtlSeconds: 300,
        requiresRole: 'admin',
      }),
    ],
    mutations: [
      mutation('createUser', {
        returns: 'User!',
        sqlSource: 'fn_create_user',
        operation: 'INSERT',
        args: { email: 'String!', name: 'String' },
        invalidatesViews: ['v_user', 'v_user_summary'],
        invalidatesFactTables: ['tf_signup'],
      }),
      mutation('placeOrder', {
        returns: 'Order!',
        sqlSource: 'fn_place_order',
        operation: 'INSERT',
        inject: { user_id: 'jwt:sub' },
        invalidatesViews: ['v_order_summary'],
        invalidatesFactTables: ['tf_sale'],
      }),
    ],
  });
}

/** FraiseQL's golden/01-basic-query-mutation.json, written with the authoring API. */
export function golden01Schema(): SchemaDefinition {
  const User = type('User', {
    sqlSource: 'v_user',
    description: 'A registered user in the system',
    fields: { id: 'ID!', email: 'String!', name: 'String' },
  });
  return defineSchema({
    types: [User],
    queries: [
      query('users', {
        returns: '[User!]!',
        sqlSource: 'v_user',
        args: { email: 'String', limit: { type: 'Int!', default: 10 } },
        jsonbColumn: 'payload',
        description: 'List all users with optional filtering',
      }),
      query('user', {
        returns: 'User',
        sqlSource: 'v_user',
        args: { id: 'ID!' },
        description: 'Fetch a single user by ID',
      }),
    ],
    mutations: [
      mutation('createUser', {
        returns: 'User!',
        sqlSource: 'fn_create_user',
        args: { email: 'String!', name: 'String!' },
        operation: 'CREATE',
        description: 'Create a new user account',
      }),
    ],
  });
}

/** FraiseQL's golden/05-security-inject-cache.json, written with the authoring API. */
export function golden05Schema(): SchemaDefinition {
  const Order = type('Order', {
    sqlSource: 'v_order',
    requiresRole: 'admin',
    description: 'A tenant-scoped order (admin-only)',
    fields: { id: 'ID!', tenant_id: 'UUID!', amount: 'Decimal!', status: 'String!' },
  });
  return defineSchema({
    types: [Order],
    queries: [
      query('orders', {
        returns: '[Order!]!',
        sqlSource: 'v_order',
        requiresRole: 'admin',
        inject: { tenant_id: 'jwt:tenant_id' },
        cacheTtlSeconds: 300,
        additionalViews: ['v_order_summary', 'v_order_items'],
      }),
    ],
    mutations: [
      mutation('createOrder', {
        returns: 'Order!',
        sqlSource: 'fn_create_order',
        args: { amount: 'Decimal!', description: 'String' },
        operation: 'CREATE',
        inject: { user_id: 'jwt:sub', tenant_id: 'jwt:org_id' },
        invalidatesFactTables: ['tf_sales', 'tf_order_count'],
        invalidatesViews: ['v_order_summary', 'v_order_items'],
        description: 'Create an order; auto-stamps tenant and user from JWT',
      }),
    ],
  });
}

/** FraiseQL's golden/06-tenant-scoped.json, written with the authoring API. */
export function golden06Schema(): SchemaDefinition {
  const Invoice = type('Invoice', {
    sqlSource: 'v_invoice',
    fields: { id: 'ID!', amount: 'Float!', tenant_id: 'String!' },
    tenantScoped: true,
  });
  return defineSchema({ types: [Invoice] });
}
